using System.Collections.Concurrent;

namespace ImageSearch.VectorStore;

/// <summary>
/// Ensures each collection once per process before its first upsert, instead of once per batch.
/// Only successes are remembered: a mismatch is asked again, so a collection fixed by an operator is picked up without a restart.
/// </summary>
public sealed class EnsuredCollections(IVectorStore store)
{
    private readonly ConcurrentDictionary<CollectionSpec, byte> _ensured = new();

    /// <exception cref="CollectionMismatchException">The collection exists with another dimension or model.</exception>
    /// <exception cref="StoreUnavailableException">The store cannot be reached.</exception>
    public async Task EnsureAsync(CollectionSpec spec, CancellationToken cancellationToken)
    {
        if (_ensured.ContainsKey(spec))
            return;
        await store.EnsureCollectionAsync(spec, cancellationToken);
        _ensured.TryAdd(spec, 0);
    }

    /// <summary>
    /// For reads: whether the collection exists, checked once per process against <paramref name="spec"/>. Never creates it,
    /// so a process that only reads (an embedded follower) can ask before the writer has made it: nothing to find yet.
    /// </summary>
    /// <exception cref="CollectionMismatchException">The collection exists with another dimension or model.</exception>
    public async Task<bool> ExistsAsync(CollectionSpec spec, CancellationToken cancellationToken)
    {
        if (_ensured.ContainsKey(spec))
            return true;
        if (await store.DescribeAsync(spec.Name, cancellationToken) is not { } info)
            return false;
        CollectionMismatch.ThrowIfDifferent(spec, info.Spec, "Collection");
        _ensured.TryAdd(spec, 0);
        return true;
    }

    /// <summary>Forgets what was ensured about <paramref name="collection"/> (it was dropped or recreated underneath us).</summary>
    public void Forget(string collection)
    {
        foreach (var spec in _ensured.Keys.Where(s => s.Name == collection))
            _ensured.TryRemove(spec, out _);
    }
}
