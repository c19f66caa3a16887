namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The two segments of the arena. Sealed rows <c>[0, Sealed)</c> are in the HNSW graph with exactly the vector the arena
/// holds; growing rows <c>[Sealed, Count)</c> are not (new, changed since, or not yet built), and search scans them exactly.
/// Rows change segment by swapping places, so each segment stays one contiguous range. Every write of a row stamps a new
/// version, so the graph builder can tell whether a row it copied out was changed or removed while it was being added.
/// </summary>
internal sealed partial class VectorArena
{
    private long[] _versions = [];
    private long _lastVersion;
    private float[] _swap = [];

    /// <summary>Rows <c>[0, Sealed)</c> are in the graph.</summary>
    public int Sealed { get; private set; }

    /// <summary>Rows not in the graph (yet): the growing segment.</summary>
    public int Growing => Count - Sealed;

    public long VersionAt(int row) => _versions[row];

    /// <summary>
    /// Moves the row of <paramref name="id"/> into the sealed segment, if it is still growing and unchanged since
    /// <paramref name="version"/>; false when it was changed or removed meanwhile (the graph then holds a stale copy).
    /// </summary>
    public bool Seal(long id, long version)
    {
        if (!_rowOf.TryGetValue(id, out var row) || row < Sealed || _versions[row] != version)
            return false;
        SwapRows(row, Sealed++);
        return true;
    }

    /// <summary>Every row back to growing: the graph was dropped (or restored without them); sealed rows have no valid code.</summary>
    public void UnsealAll() => (Sealed, _codes) = (0, null);

    /// <summary>Moves a sealed row to the start of the growing segment; returns its new row.</summary>
    private int Unseal(int row)
    {
        SwapRows(row, --Sealed);
        return Sealed;
    }

    private void SwapRows(int a, int b)
    {
        if (a == b)
            return;
        if (_swap.Length != dimension)
            _swap = new float[dimension];
        Slot(a).CopyTo(_swap);
        Slot(b).CopyTo(Slot(a));
        _swap.CopyTo(Slot(b));
        SwapCodes(a, b);
        (_ids[a], _ids[b]) = (_ids[b], _ids[a]);
        (_paths[a], _paths[b]) = (_paths[b], _paths[a]);
        (_labels[a], _labels[b]) = (_labels[b], _labels[a]);
        (_squaredNorms[a], _squaredNorms[b]) = (_squaredNorms[b], _squaredNorms[a]);
        (_versions[a], _versions[b]) = (_versions[b], _versions[a]);
        _rowOf[_ids[a]] = a;
        _rowOf[_ids[b]] = b;
    }
}
