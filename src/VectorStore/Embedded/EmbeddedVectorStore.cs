using System.Collections.Concurrent;
using System.Numerics.Tensors;
using ImageSearch.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The default store: SQLite (WAL) is the source of truth, each collection is held in memory for search (exact below
/// <see cref="EmbeddedStoreOptions.HnswThreshold"/>; above it an HNSW graph built in the background, plus an exact scan
/// of the rows it does not hold yet). One process per store folder writes (<see cref="StoreWriter"/>: an upsert returns
/// once SQLite has committed it and search shows it); others may follow it read-only (<see cref="ChangeFollower"/>).
/// Searches never wait for SQLite, and upserts never wait for the graph.
/// </summary>
public sealed class EmbeddedVectorStore : IVectorStore, IDisposable
{
    private readonly EmbeddedStoreOptions _options;
    private readonly ConcurrentDictionary<string, CollectionIndex> _collections = new(StringComparer.Ordinal);
    private readonly StoreWriter? _writer;
    private readonly ChangeFollower? _follower;
    private int _disposed;

    /// <exception cref="StoreUnavailableException">A writer that finds another writer holding the folder, or SQLite failing.</exception>
    public EmbeddedVectorStore(EmbeddedStoreOptions options, ILogger<EmbeddedVectorStore>? logger = null)
    {
        _options = options;
        ILogger log = logger ?? NullLogger<EmbeddedVectorStore>.Instance;
        if (options.Role == EmbeddedStoreRole.Follower)
            _follower = new ChangeFollower(options, _collections, log);
        else
            _writer = new StoreWriter(options, _collections, log);
    }

    /// <summary>Memory held by the in-memory indexes (vectors and graphs), for metrics and benchmarks.</summary>
    public long IndexMemoryBytes => _collections.Values.Sum(c => c.Read(() => c.Arena.VectorBytes + (c.Graph?.MemoryBytes ?? 0)));

    /// <summary>
    /// Rows of <paramref name="collection"/> the background builder has not put into the HNSW graph yet (searched exactly
    /// meanwhile); 0 below the threshold, where the whole collection is searched exactly by design.
    /// </summary>
    public int UnindexedRows(string collection) => Collection(collection).Unindexed;

    /// <summary>
    /// Rows the background builder of <paramref name="collection"/> has added to its graph since this store opened, and
    /// the time it spent doing so: rows / busy time is what the builder can sustain on this machine, busy / wall time how
    /// much of its capacity the ingest takes (for benchmarks).
    /// </summary>
    public (long Rows, TimeSpan Busy) GraphBuilderProgress(string collection) => Collection(collection).BuilderProgress;

    public async Task EnsureCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken)
    {
        CollectionNames.Validate(spec.Name);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Dimension, 1, nameof(spec.Dimension));
        if (_follower is not null)
            _follower.Ensure(spec);
        else
            await _writer!.EnsureAsync(spec, cancellationToken);
    }

    public Task UpsertAsync(string collection, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
        var writer = Writer();
        var index = Collection(collection);
        foreach (var r in records)
        {
            RecordValidation.Check(r, index.Meta.Dimension, collection);
            // USearch's int8 clamps each component to [-1, 1]: larger ones would silently wreck the graph.
            if (index.Meta.Hnsw.Quantization == HnswQuantization.I8 && TensorPrimitives.MaxMagnitude<float>(r.Vector) > 1)
                throw new ArgumentException(
                    $"record {r.Id}: collection '{collection}' keeps an I8 graph, which needs components in [-1, 1] (L2-normalised vectors); use F16 for others.");
        }
        var unique = RecordValidation.LastPerId(records);
        return unique.Count == 0 ? Task.CompletedTask : writer.UpsertAsync(index, unique, cancellationToken);
    }

    public Task DeleteAsync(string collection, IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        Writer().DeleteAsync(Collection(collection), ids, cancellationToken);

    public Task DropCollectionAsync(string collection, CancellationToken cancellationToken) =>
        Writer().DropAsync(collection, cancellationToken);

    public Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchAsync(
        string collection, IReadOnlyList<float[]> queries, int k, string? label, CancellationToken cancellationToken)
    {
        var index = Collection(collection);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        foreach (var q in queries)
            RecordValidation.CheckVector(q, index.Meta.Dimension, collection, "query");
        var results = new IReadOnlyList<SearchHit>[queries.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results[i] = index.Search(queries[i], k, label);
        }
        return Task.FromResult<IReadOnlyList<IReadOnlyList<SearchHit>>>(results);
    }

    public Task<VectorRecord?> GetAsync(string collection, long id, CancellationToken cancellationToken) =>
        Task.FromResult(Collection(collection).Get(id));

    public Task<long> CountAsync(string collection, CancellationToken cancellationToken) =>
        Task.FromResult((long)Collection(collection).Count);

    public Task<CollectionInfo?> DescribeAsync(string collection, CancellationToken cancellationToken)
    {
        if (!_collections.TryGetValue(collection, out var index))
            return Task.FromResult<CollectionInfo?>(null);
        return Task.FromResult<CollectionInfo?>(new CollectionInfo(index.Meta.ToSpec(_options.Hnsw.EfSearch), index.Count));
    }

    private StoreWriter Writer() => _writer ?? throw new NotSupportedException(
        $"The embedded store at {_options.Path} is open read-only (VectorStore:Embedded:Role=Follower): " +
        "write through the process that holds its writer lock.");

    private CollectionIndex Collection(string name) =>
        _collections.TryGetValue(name, out var index)
            ? index
            : throw new CollectionNotFoundException(name);

    /// <summary>A writer saves changed HNSW graphs, closes SQLite and releases the folder's lock; a follower stops following.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _writer?.Dispose();
        _follower?.Dispose();
    }
}
