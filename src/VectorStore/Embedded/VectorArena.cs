using System.Numerics;
using System.Numerics.Tensors;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// All rows of one collection in memory: vectors in contiguous float blocks (16,384 rows each, so growth copies at most one
/// block and no array passes .NET's size limit), with ids, paths, labels and squared norms beside them. Rows are dense:
/// removing one moves the last row into its place. Not thread-safe; <see cref="CollectionIndex"/> locks around it.
/// </summary>
internal sealed class VectorArena(int dimension, DistanceMetric metric)
{
    private const int BlockShift = 14;
    private const int BlockRows = 1 << BlockShift;
    private const int ParallelRows = 32_768;

    private readonly List<float[]> _blocks = [];
    private readonly Dictionary<long, int> _rowOf = [];
    private readonly Dictionary<string, HashSet<long>> _idsByLabel = new(StringComparer.Ordinal);
    private long[] _ids = [];
    private string[] _paths = [];
    private string?[] _labels = [];
    private float[] _squaredNorms = [];

    public int Dimension => dimension;

    public int Count { get; private set; }

    public long VectorBytes => _blocks.Sum(b => (long)b.Length) * sizeof(float);

    public bool TryGetRow(long id, out int row) => _rowOf.TryGetValue(id, out row);

    public long IdAt(int row) => _ids[row];

    public string? LabelAt(int row) => _labels[row];

    public ReadOnlySpan<float> VectorAt(int row) =>
        _blocks[row >> BlockShift].AsSpan((row & (BlockRows - 1)) * dimension, dimension);

    public IReadOnlyCollection<long> IdsWithLabel(string label) =>
        _idsByLabel.TryGetValue(label, out var ids) ? ids : [];

    public SearchHit Hit(int row, float distance) => new(_ids[row], distance, _paths[row], _labels[row]);

    public VectorRecord Record(int row) => new(_ids[row], VectorAt(row).ToArray(), _paths[row], _labels[row]);

    /// <summary>Inserts or overwrites in place; returns true when the id already existed.</summary>
    public bool Upsert(long id, ReadOnlySpan<float> vector, string path, string? label)
    {
        var existed = _rowOf.TryGetValue(id, out var row);
        if (existed)
        {
            Unlabel(id, _labels[row]);
        }
        else
        {
            row = Count++;
            Grow(Count);
            _rowOf[id] = row;
            _ids[row] = id;
        }
        vector.CopyTo(_blocks[row >> BlockShift].AsSpan((row & (BlockRows - 1)) * dimension, dimension));
        _paths[row] = path;
        _labels[row] = label;
        _squaredNorms[row] = TensorPrimitives.Dot(vector, vector);
        if (label is not null)
        {
            if (!_idsByLabel.TryGetValue(label, out var ids))
                _idsByLabel[label] = ids = [];
            ids.Add(id);
        }
        return existed;
    }

    public bool Remove(long id)
    {
        if (!_rowOf.Remove(id, out var row))
            return false;
        Unlabel(id, _labels[row]);
        var last = --Count;
        if (row != last)
        {
            VectorAt(last).CopyTo(_blocks[row >> BlockShift].AsSpan((row & (BlockRows - 1)) * dimension, dimension));
            (_ids[row], _paths[row], _labels[row], _squaredNorms[row]) = (_ids[last], _paths[last], _labels[last], _squaredNorms[last]);
            _rowOf[_ids[row]] = row;
        }
        _paths[last] = null!;
        _labels[last] = null;
        return true;
    }

    /// <summary>Exact top-k over all rows, split over cores when the collection is large.</summary>
    public TopK Search(ReadOnlySpan<float> query, int k)
    {
        if (Count < ParallelRows)
            return Scan(query, k, 0, Count);
        var copy = query.ToArray();
        var chunks = Math.Min(Environment.ProcessorCount * 4, (Count + BlockRows - 1) / BlockRows);
        var partials = new TopK[chunks];
        Parallel.For(0, chunks, c =>
        {
            var from = (int)((long)Count * c / chunks);
            var to = (int)((long)Count * (c + 1) / chunks);
            partials[c] = Scan(copy, k, from, to);
        });
        for (var c = 1; c < chunks; c++)
            partials[0].Merge(partials[c]);
        return partials[0];
    }

    /// <summary>Exact top-k over the given ids only (label filter).</summary>
    public TopK Search(ReadOnlySpan<float> query, int k, IEnumerable<long> ids)
    {
        var top = new TopK(k);
        var queryNorm = TensorPrimitives.Dot(query, query);
        foreach (var id in ids)
            if (_rowOf.TryGetValue(id, out var row))
                top.Offer(row, Distance(query, queryNorm, row));
        return top;
    }

    /// <summary>Exact distance from <paramref name="query"/> to one row (re-ranking graph candidates).</summary>
    public float DistanceTo(ReadOnlySpan<float> query, int row) => Distance(query, TensorPrimitives.Dot(query, query), row);

    private TopK Scan(ReadOnlySpan<float> query, int k, int from, int to)
    {
        var top = new TopK(k);
        var queryNorm = TensorPrimitives.Dot(query, query);
        for (var row = from; row < to; row++)
            top.Offer(row, Distance(query, queryNorm, row));
        return top;
    }

    /// <summary>Squared L2 from the dot product and cached norms (one SIMD pass per row), or 1 − cosine.</summary>
    private float Distance(ReadOnlySpan<float> query, float queryNorm, int row)
    {
        var dot = TensorPrimitives.Dot(query, VectorAt(row));
        return metric == DistanceMetric.L2
            ? MathF.Max(0, queryNorm + _squaredNorms[row] - 2 * dot)
            : 1 - dot / MathF.Sqrt(MathF.Max(queryNorm * _squaredNorms[row], float.Epsilon));
    }

    private void Unlabel(long id, string? label)
    {
        if (label is not null && _idsByLabel.TryGetValue(label, out var ids) && ids.Remove(id) && ids.Count == 0)
            _idsByLabel.Remove(label);
    }

    /// <summary>Makes room for row <c>rows - 1</c>. The last block grows by doubling, so small collections stay small.</summary>
    private void Grow(int rows)
    {
        var blockIndex = (rows - 1) >> BlockShift;
        while (_blocks.Count <= blockIndex)
            _blocks.Add([]);
        var rowsInBlock = rows - (blockIndex << BlockShift);
        if (_blocks[blockIndex].Length < rowsInBlock * dimension)
        {
            var blockRows = Math.Min(BlockRows, Math.Max(64, (int)BitOperations.RoundUpToPowerOf2((uint)rowsInBlock)));
            var block = _blocks[blockIndex];
            Array.Resize(ref block, blockRows * dimension);
            _blocks[blockIndex] = block;
        }
        if (rows <= _ids.Length)
            return;
        var size = Math.Max(rows, Math.Max(64, _ids.Length * 2));
        Array.Resize(ref _ids, size);
        Array.Resize(ref _paths, size);
        Array.Resize(ref _labels, size);
        Array.Resize(ref _squaredNorms, size);
    }
}
