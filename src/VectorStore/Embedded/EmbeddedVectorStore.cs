using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics.Tensors;
using ImageSearch.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The default store: SQLite (WAL) is the source of truth, each collection is held in memory for search (exact below
/// <see cref="EmbeddedStoreOptions.HnswThreshold"/>, HNSW above). An upsert returns once SQLite has committed it and
/// the in-memory index shows it. Writers are serialised; readers never wait for SQLite.
/// </summary>
public sealed class EmbeddedVectorStore : IVectorStore, IDisposable
{
    private readonly EmbeddedStoreOptions _options;
    private readonly ILogger _logger;
    private readonly SqliteRecordStore _database;
    private readonly IndexSnapshot _snapshots;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConcurrentDictionary<string, CollectionIndex> _collections = new(StringComparer.Ordinal);

    public EmbeddedVectorStore(EmbeddedStoreOptions options, ILogger<EmbeddedVectorStore>? logger = null)
    {
        _options = options;
        _logger = logger ?? NullLogger<EmbeddedVectorStore>.Instance;
        Directory.CreateDirectory(options.Path);
        _database = new SqliteRecordStore(Path.Combine(options.Path, "store.db"), options.Synchronous);
        _snapshots = new IndexSnapshot(options.Path, _database, _logger);
        foreach (var meta in _database.Collections())
            _collections[meta.Name] = Open(meta);
    }

    /// <summary>Memory held by the in-memory indexes (vectors and graphs), for metrics and benchmarks.</summary>
    public long IndexMemoryBytes => _collections.Values.Sum(c => c.Read(() => c.Arena.VectorBytes + (c.Graph?.MemoryBytes ?? 0)));

    /// <summary>Changes ef of every HNSW graph now (benchmarks sweep it without rebuilding); new graphs use the options' value.</summary>
    internal void SetEfSearch(int ef)
    {
        foreach (var index in _collections.Values)
            index.Read(() => { index.Graph?.SetEfSearch(ef); return 0; });
    }

    /// <summary>Exact top-k by brute force over the arena, whatever index the collection has (ground truth for recall).</summary>
    internal IReadOnlyList<long> ExactSearch(string collection, float[] query, int k)
    {
        var index = Collection(collection);
        return index.Read(() => index.Arena.Search(query, k).Sorted().Select(x => index.Arena.IdAt(x.Row)).ToArray());
    }

    public async Task EnsureCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken)
    {
        CollectionNames.Validate(spec.Name);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Dimension, 1, nameof(spec.Dimension));
        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (_collections.TryGetValue(spec.Name, out var existing))
            {
                CollectionMismatch.ThrowIfDifferent(spec, existing.Meta.ToSpec(_options.Hnsw.EfSearch), "Collection");
                return;
            }
            var hnsw = _options.Hnsw;
            var meta = new StoredCollection(spec.Name, spec.Dimension, spec.Metric, spec.Model,
                new HnswParameters(hnsw.M, hnsw.EfConstruction, hnsw.Quantization), 0);
            _database.CreateCollection(meta);
            _collections[spec.Name] = new CollectionIndex(meta, _options);
            _logger.LogInformation("Created collection {Collection} ({Dimension}-d {Metric}, model {Model})", spec.Name, spec.Dimension, spec.Metric, spec.Model);
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task UpsertAsync(string collection, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
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
        if (unique.Count == 0)
            return;
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var sequence = _database.Upsert(collection, index.Meta.LastSequence, unique);
            index.Meta = index.Meta with { LastSequence = sequence };
            index.Upsert(unique);
            _snapshots.SaveIfDue(index, _options.SnapshotEveryChanges);
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task DeleteAsync(string collection, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var index = Collection(collection);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var sequence = _database.Delete(collection, index.Meta.LastSequence, ids);
            index.Meta = index.Meta with { LastSequence = sequence };
            index.Remove(ids);
        }
        finally
        {
            _writer.Release();
        }
    }

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

    public async Task DropCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            _database.DropCollection(collection);
            _snapshots.Delete(collection);
            if (_collections.TryRemove(collection, out var index))
                index.Dispose();
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Saves the HNSW graph of every collection that changed since its last snapshot (also done on dispose).</summary>
    public async Task SaveSnapshotsAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            foreach (var index in _collections.Values)
                _snapshots.SaveIfChanged(index);
        }
        finally
        {
            _writer.Release();
        }
    }

    private CollectionIndex Open(StoredCollection meta)
    {
        var timer = Stopwatch.StartNew();
        var index = new CollectionIndex(meta, _options);
        _database.ReadRecords(meta.Name, -1, (id, vector, path, label) => index.Arena.Upsert(id, vector, path, label));
        var loaded = timer.Elapsed;
        if (index.Arena.Count >= _options.HnswThreshold)
        {
            index.AttachGraph(_snapshots.TryRestore(index, _options.Hnsw.EfSearch) ?? index.BuildGraph());
            _snapshots.SaveIfChanged(index); // after a rebuild or a replay, so the next start loads it directly
        }
        _logger.LogInformation("Opened collection {Collection}: {Count} rows read in {LoadMs} ms, index ready in {ReadyMs} ms ({Kind})",
            meta.Name, index.Arena.Count, (long)loaded.TotalMilliseconds, timer.ElapsedMilliseconds, index.Graph is null ? "exact" : "HNSW");
        return index;
    }

    private CollectionIndex Collection(string name) =>
        _collections.TryGetValue(name, out var index)
            ? index
            : throw new CollectionNotFoundException(name);

    public void Dispose()
    {
        _writer.Wait();
        try
        {
            foreach (var index in _collections.Values)
            {
                _snapshots.SaveIfChanged(index);
                index.Dispose();
            }
            _collections.Clear();
            _database.Dispose();
        }
        finally
        {
            _writer.Release();
        }
    }
}
