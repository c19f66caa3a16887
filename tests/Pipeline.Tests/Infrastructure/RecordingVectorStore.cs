using System.Collections.Concurrent;
using ImageSearch.VectorStore;

namespace ImageSearch.Pipeline.Tests;

/// <summary>
/// Test double of <see cref="IVectorStore"/> that records what the indexer asks of it (the real stores have their own
/// tests). Upserts replace by id like a real store; <see cref="FailUpsert"/> scripts outages of upserts and <see cref="Down"/>
/// one of the whole store; <see cref="Refuse"/> plays a store rule of its own; collections created with <see cref="Existing"/>
/// refuse another dimension or model like a real store.
/// </summary>
public sealed class RecordingVectorStore : IVectorStore
{
    private readonly ConcurrentDictionary<(string Collection, long Id), VectorRecord> _records = new();
    private readonly ConcurrentDictionary<string, CollectionSpec> _collections = new();
    private int _upsertCalls;
    private bool _down;

    public ConcurrentQueue<(string Collection, IReadOnlyList<VectorRecord> Records)> Upserts { get; } = new();
    public ConcurrentQueue<CollectionSpec> Ensured { get; } = new();

    /// <summary>Given the 1-based number of an upsert call, the exception it throws (after or instead of storing), or null.</summary>
    public Func<int, (Exception? Before, Exception? After)> FailUpsert { get; set; } = _ => (null, null);

    /// <summary>While true, every call the indexer makes throws <see cref="StoreUnavailableException"/>, probes included.</summary>
    public bool Down
    {
        get => Volatile.Read(ref _down);
        set => Volatile.Write(ref _down, value);
    }

    /// <summary>Records the store refuses, as a real store refuses a batch: <see cref="ArgumentException"/> before writing any.</summary>
    public Func<VectorRecord, bool> Refuse { get; set; } = _ => false;

    public int UpsertCalls => Volatile.Read(ref _upsertCalls);

    public void Existing(CollectionSpec spec) => _collections[spec.Name] = spec;

    public IReadOnlyCollection<VectorRecord> Records(string collection) =>
        _records.Where(r => r.Key.Collection == collection).Select(r => r.Value).ToList();

    public Task EnsureCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        Ensured.Enqueue(spec);
        var existing = _collections.GetOrAdd(spec.Name, spec);
        if (existing.Dimension != spec.Dimension || existing.Model != spec.Model)
            throw new CollectionMismatchException($"collection {spec.Name} holds {existing.Model}/{existing.Dimension}, not {spec.Model}/{spec.Dimension}");
        return Task.CompletedTask;
    }

    public Task UpsertAsync(string collection, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
        var (before, after) = FailUpsert(Interlocked.Increment(ref _upsertCalls));
        ThrowIfDown();
        if (before is not null)
            throw before;
        if (records.FirstOrDefault(Refuse) is { } refused)
            throw new ArgumentException($"record {refused.Id}: refused by the store's own rule");
        Upserts.Enqueue((collection, records));
        foreach (var record in records)
            _records[(collection, record.Id)] = record;
        return after is null ? Task.CompletedTask : throw after;
    }

    public Task<long> CountAsync(string collection, CancellationToken cancellationToken) =>
        Task.FromResult((long)Records(collection).Count);

    public Task<VectorRecord?> GetAsync(string collection, long id, CancellationToken cancellationToken) =>
        Task.FromResult(_records.GetValueOrDefault((collection, id)));

    public Task DeleteAsync(string collection, IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the indexer never deletes");

    public Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchAsync(
        string collection, IReadOnlyList<float[]> queries, int k, string? label, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the indexer never searches");

    public Task<CollectionInfo?> DescribeAsync(string collection, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        return Task.FromResult(_collections.TryGetValue(collection, out var spec) ? new CollectionInfo(spec, Records(collection).Count) : null);
    }

    public Task DropCollectionAsync(string collection, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the indexer never drops collections");

    private void ThrowIfDown()
    {
        if (Down)
            throw new StoreUnavailableException("store is down");
    }
}
