namespace ImageSearch.VectorStore.Embedded;

/// <summary>Keeps the k smallest distances seen (a bounded max-heap); used per thread by exact search, then merged.</summary>
internal sealed class TopK(int k)
{
    private static readonly Comparer<float> Descending = Comparer<float>.Create((a, b) => b.CompareTo(a));
    private readonly PriorityQueue<int, float> _heap = new(k + 1, Descending);

    public int K => k;

    /// <summary>The distance a candidate must beat once the heap is full.</summary>
    public float Bound => _heap.Count < k ? float.PositiveInfinity : _heap.TryPeek(out _, out var d) ? d : float.PositiveInfinity;

    public void Offer(int row, float distance)
    {
        if (_heap.Count < k)
            _heap.Enqueue(row, distance);
        else if (distance < Bound)
            _heap.EnqueueDequeue(row, distance);
    }

    public void Merge(TopK other)
    {
        foreach (var (row, distance) in other._heap.UnorderedItems)
            Offer(row, distance);
    }

    /// <summary>Rows and distances, closest first.</summary>
    public (int Row, float Distance)[] Sorted()
    {
        var items = _heap.UnorderedItems.Select(x => (x.Element, x.Priority)).ToArray();
        Array.Sort(items, static (a, b) => a.Priority.CompareTo(b.Priority));
        return items;
    }
}
