using System.Numerics.Tensors;
using ImageSearch.VectorStore;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// The recall ground truth: the exact k nearest ids of each query among every record offered, by brute force over the
/// vectors the benchmark generated, so the store under test is never asked for its own answer key.
/// </summary>
internal sealed class ExactNeighbours
{
    private static readonly Comparer<float> Farthest = Comparer<float>.Create((a, b) => b.CompareTo(a));
    private readonly float[][] _queries;
    private readonly int _k;
    private readonly PriorityQueue<long, float>[] _nearest; // per query: the k closest so far, farthest on top

    public ExactNeighbours(float[][] queries, int k)
    {
        (_queries, _k) = (queries, k);
        _nearest = queries.Select(_ => new PriorityQueue<long, float>(k + 1, Farthest)).ToArray();
    }

    /// <summary>
    /// A first pass over the stream, in batches: the exact neighbours of each query among rows <c>[0, n)</c> for every
    /// batch end n that <paramref name="wanted"/> accepts, so the ingest pass that follows times only the ingest.
    /// </summary>
    public static Dictionary<int, HashSet<long>[]> At(SyntheticVectors vectors, float[][] queries, int k, int total, int batch, Func<int, bool> wanted)
    {
        var truth = new ExactNeighbours(queries, k);
        var at = new Dictionary<int, HashSet<long>[]>();
        for (var start = 0; start < total; start += batch)
        {
            var end = Math.Min(total, start + batch);
            truth.Offer(vectors.Records(start, end - start));
            if (wanted(end))
                at[end] = truth.All();
        }
        return at;
    }

    /// <summary>Takes in a batch of records with ids not offered before.</summary>
    public void Offer(IReadOnlyList<VectorRecord> records) => Parallel.For(0, _queries.Length, q =>
    {
        var nearest = _nearest[q];
        foreach (var r in records)
        {
            var distance = TensorPrimitives.Distance(_queries[q], r.Vector);
            if (nearest.Count < _k)
                nearest.Enqueue(r.Id, distance);
            else if (nearest.TryPeek(out _, out var farthest) && distance < farthest)
                nearest.EnqueueDequeue(r.Id, distance);
        }
    });

    public HashSet<long> Of(int query) => _nearest[query].UnorderedItems.Select(x => x.Element).ToHashSet();

    /// <summary>Every query's neighbours among the records offered so far.</summary>
    public HashSet<long>[] All() => Enumerable.Range(0, _queries.Length).Select(Of).ToArray();
}
