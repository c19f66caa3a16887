using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// Int8 codes of the growing rows, for a collection whose graph holds projections: each row's projection in the graph's
/// own int8 form (<see cref="GraphProjection.Write"/>), kept beside the float rows. While the builder is behind, a search
/// scans the growing rows' codes (64 or 128 bytes a row instead of 2 KB of floats for 512-d) for
/// <see cref="HnswOptions.Rerank"/> × k candidates and re-scores those exactly, as it does the graph's candidates: with
/// 206,760 rows waiting at 1M, search p50 8.5 ms against 28 ms for the float scan of a similar backlog (store-paced), and
/// far less of the memory bandwidth the builder needs. Only growing rows need a valid code: sealed rows are searched
/// through the graph.
/// </summary>
internal sealed partial class VectorArena
{
    /// <summary>
    /// Up to one builder round of growing rows the exact float scan costs a fraction of a millisecond (2 MB for 512-d) and
    /// is kept; above it a search pays for every row the builder is behind.
    /// </summary>
    private const int CodeScanRows = 1_024;

    private readonly List<sbyte[]> _codeBlocks = [];
    private GraphProjection? _codes;

    /// <summary>From now on every written row gets a code; the growing rows get theirs now.</summary>
    public void UseCodes(GraphProjection projection)
    {
        _codes = projection;
        var from = Sealed;
        GrowCodes(Count);
        Parallel.For(from, Count, row => WriteCode(row, VectorAt(row)));
    }

    /// <summary>
    /// The growing rows nearest to <paramref name="query"/>: exactly when they are few or have no codes, otherwise the
    /// <paramref name="candidates"/> nearest codes, re-scored with exact float32 distances.
    /// </summary>
    public TopK SearchGrowing(ReadOnlySpan<float> query, int k, int candidates)
    {
        if (_codes is null || Growing <= Math.Max(CodeScanRows, 4 * candidates))
            return Search(query, k, from: Sealed);
        var code = new sbyte[_codes.Dimension];
        _codes.Write(query, MemoryMarshal.AsBytes(code.AsSpan()), int8: true);
        var nearest = InChunks(Sealed, Growing, (start, end) => ScanCodes(code, candidates, start, end));
        var top = new TopK(k);
        var queryNorm = TensorPrimitives.Dot(query, query);
        foreach (var (row, _) in nearest.Sorted())
            top.Offer(row, Distance(query, queryNorm, row));
        return top;
    }

    private TopK ScanCodes(sbyte[] query, int count, int from, int to)
    {
        var top = new TopK(count);
        for (var row = from; row < to; row++)
            top.Offer(row, CodeDistance.SquaredL2(query, Code(row)));
        return top;
    }

    private void WriteCode(int row, ReadOnlySpan<float> vector)
    {
        if (_codes is null)
            return;
        GrowCodes(row + 1);
        _codes.Write(vector, MemoryMarshal.AsBytes(Code(row)), int8: true);
    }

    private void MoveCode(int from, int to)
    {
        if (_codes is not null)
            Code(from).CopyTo(Code(to));
    }

    private void SwapCodes(int a, int b)
    {
        if (_codes is null)
            return;
        Span<sbyte> swap = stackalloc sbyte[_codes.Dimension];
        Code(a).CopyTo(swap);
        Code(b).CopyTo(Code(a));
        swap.CopyTo(Code(b));
    }

    private Span<sbyte> Code(int row) =>
        _codeBlocks[row >> BlockShift].AsSpan((row & (BlockRows - 1)) * _codes!.Dimension, _codes.Dimension);

    private void GrowCodes(int rows)
    {
        while (_codeBlocks.Count << BlockShift < rows)
            _codeBlocks.Add(new sbyte[BlockRows * _codes!.Dimension]);
    }
}
