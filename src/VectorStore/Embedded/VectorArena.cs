using System.Numerics;
using System.Numerics.Tensors;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// All rows of one collection in memory: vectors in contiguous float blocks (16,384 rows each, so growth copies at most one
/// block and no array passes .NET's size limit), with ids, paths, labels, squared norms and versions beside them. Rows are
/// dense and split in two segments (see <c>VectorArena.Segments.cs</c>): the sealed rows <c>[0, Sealed)</c>, which the
/// HNSW graph holds, and the growing rows <c>[Sealed, Count)</c>, which it does not hold yet and which search scans exactly.
/// Not thread-safe; <see cref="CollectionIndex"/> locks around it.
/// </summary>
internal sealed partial class VectorArena(int dimension, DistanceMetric metric)
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

    public ReadOnlySpan<float> VectorAt(int row) => Slot(row);

    public IReadOnlyCollection<long> IdsWithLabel(string label) =>
        _idsByLabel.TryGetValue(label, out var ids) ? ids : [];

    public SearchHit Hit(int row, float distance) => new(_ids[row], distance, _paths[row], _labels[row]);

    public VectorRecord Record(int row) => new(_ids[row], VectorAt(row).ToArray(), _paths[row], _labels[row]);

    /// <summary>
    /// Inserts (as a growing row) or overwrites. A sealed row that is overwritten moves to the growing segment, since the
    /// graph holds its old vector; the caller then removes it from the graph.
    /// </summary>
    public RowWas Upsert(long id, ReadOnlySpan<float> vector, string path, string? label)
    {
        var was = RowWas.Absent;
        if (_rowOf.TryGetValue(id, out var row))
        {
            Unlabel(id, _labels[row]);
            was = row < Sealed ? RowWas.Sealed : RowWas.Growing;
            if (was == RowWas.Sealed)
                row = Unseal(row);
        }
        else
        {
            row = Count++;
            Grow(Count);
            _rowOf[id] = row;
            _ids[row] = id;
        }
        vector.CopyTo(Slot(row));
        WriteCode(row, vector);
        _paths[row] = path;
        _labels[row] = label;
        _squaredNorms[row] = TensorPrimitives.Dot(vector, vector);
        _versions[row] = ++_lastVersion;
        if (label is not null)
        {
            if (!_idsByLabel.TryGetValue(label, out var ids))
                _idsByLabel[label] = ids = [];
            ids.Add(id);
        }
        return was;
    }

    /// <summary>Removes a row; the last row takes its place (a sealed one first leaves the sealed segment).</summary>
    public RowWas Remove(long id)
    {
        if (!_rowOf.TryGetValue(id, out var row))
            return RowWas.Absent;
        var was = row < Sealed ? RowWas.Sealed : RowWas.Growing;
        if (was == RowWas.Sealed)
            row = Unseal(row);
        _rowOf.Remove(id);
        Unlabel(id, _labels[row]);
        var last = --Count;
        if (row != last)
        {
            Slot(last).CopyTo(Slot(row));
            MoveCode(last, row);
            (_ids[row], _paths[row], _labels[row], _squaredNorms[row], _versions[row]) =
                (_ids[last], _paths[last], _labels[last], _squaredNorms[last], _versions[last]);
            _rowOf[_ids[row]] = row;
        }
        _paths[last] = null!;
        _labels[last] = null;
        return was;
    }

    /// <summary>Exact top-k over rows <c>[from, Count)</c> (the growing segment, or all rows), split over cores when large.</summary>
    public TopK Search(ReadOnlySpan<float> query, int k, int from = 0, string? label = null)
    {
        var rows = Count - from;
        if (rows < ParallelRows)
            return Scan(query, k, from, Count, label); // the common case, without copying the query for the lambda
        var copy = query.ToArray();
        return InChunks(from, rows, (start, end) => Scan(copy, k, start, end, label));
    }

    /// <summary>
    /// The merged top-k of <paramref name="scan"/> over rows <c>[from, from + rows)</c>: one scan when they are few, else
    /// chunks of whole blocks scanned on every core.
    /// </summary>
    private static TopK InChunks(int from, int rows, Func<int, int, TopK> scan)
    {
        if (rows < ParallelRows)
            return scan(from, from + rows);
        var chunks = Math.Min(Environment.ProcessorCount * 4, (rows + BlockRows - 1) / BlockRows);
        var partials = new TopK[chunks];
        Parallel.For(0, chunks, c => partials[c] = scan(from + (int)((long)rows * c / chunks), from + (int)((long)rows * (c + 1) / chunks)));
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

    private TopK Scan(ReadOnlySpan<float> query, int k, int from, int to, string? label)
    {
        var top = new TopK(k);
        var queryNorm = TensorPrimitives.Dot(query, query);
        for (var row = from; row < to; row++)
            if (label is null || _labels[row] == label)
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

    private Span<float> Slot(int row) => _blocks[row >> BlockShift].AsSpan((row & (BlockRows - 1)) * dimension, dimension);

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
        Array.Resize(ref _versions, size);
    }
}

/// <summary>Where a row was before an upsert or removal: not there, growing (not in the graph), or sealed (in the graph).</summary>
internal enum RowWas
{
    Absent,
    Growing,
    Sealed,
}
