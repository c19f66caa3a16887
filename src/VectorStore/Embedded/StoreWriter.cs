using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The writer role of the embedded store: holds the folder's <see cref="WriterLock"/>, serialises changes, commits each
/// to SQLite first and applies it to the in-memory index only once committed. A failed write (disk full, busy, I/O
/// error) therefore leaves memory exactly as SQLite has it, and the same call can simply be made again.
/// </summary>
internal sealed class StoreWriter : IDisposable
{
    private readonly EmbeddedStoreOptions _options;
    private readonly ConcurrentDictionary<string, CollectionIndex> _collections;
    private readonly ILogger _logger;
    private readonly WriterLock _lock;
    private readonly SqliteRecordStore _database;
    private readonly IndexSnapshot _snapshots;
    private readonly SemaphoreSlim _writes = new(1, 1);

    public StoreWriter(EmbeddedStoreOptions options, ConcurrentDictionary<string, CollectionIndex> collections, ILogger logger)
    {
        (_options, _collections, _logger) = (options, collections, logger);
        Directory.CreateDirectory(options.Path);
        _lock = WriterLock.Acquire(options.Path);
        try
        {
            _database = SqliteRecordStore.OpenWriter(SqliteRecordStore.FileIn(options.Path), options.Synchronous);
            _snapshots = new IndexSnapshot(options.Path, _database, logger);
            var loader = new CollectionLoader(_database, _snapshots, options, logger);
            foreach (var meta in _database.Collections())
                SaveSnapshot(collections[meta.Name] = loader.Open(meta), onlyIfDue: false); // after a rebuild or a replay, so the next start loads it directly
        }
        catch
        {
            Close();
            throw;
        }
    }

    public Task EnsureAsync(CollectionSpec spec, CancellationToken cancellationToken) => ExclusiveAsync(() =>
    {
        if (_collections.TryGetValue(spec.Name, out var existing))
        {
            CollectionMismatch.ThrowIfDifferent(spec, existing.Meta.ToSpec(_options.Hnsw.EfSearch), "Collection");
            return;
        }
        var hnsw = _options.Hnsw;
        var meta = new StoredCollection(spec.Name, spec.Dimension, spec.Metric, spec.Model,
            new HnswParameters(hnsw.M, hnsw.EfConstruction, hnsw.Quantization), 0, Random.Shared.NextInt64(1, long.MaxValue), 0);
        _database.CreateCollection(meta);
        _collections[spec.Name] = new CollectionIndex(meta, _options);
        _logger.LogInformation("Created collection {Collection} ({Dimension}-d {Metric}, model {Model})", spec.Name, spec.Dimension, spec.Metric, spec.Model);
    }, cancellationToken);

    /// <summary>Upserts a validated batch with unique ids into <paramref name="index"/>.</summary>
    public Task UpsertAsync(CollectionIndex index, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken) => ExclusiveAsync(() =>
    {
        ThrowIfDropped(index);
        index.Meta = index.Meta with { LastSequence = _database.Upsert(index.Meta.Name, index.Meta.LastSequence, records) };
        index.Upsert(records);
        SaveSnapshot(index, onlyIfDue: true);
    }, cancellationToken);

    public Task DeleteAsync(CollectionIndex index, IReadOnlyList<long> ids, CancellationToken cancellationToken) => ExclusiveAsync(() =>
    {
        ThrowIfDropped(index);
        index.Meta = index.Meta with { LastSequence = _database.Delete(index.Meta.Name, index.Meta.LastSequence, ids) };
        index.Remove(ids);
    }, cancellationToken);

    public Task DropAsync(string collection, CancellationToken cancellationToken) => ExclusiveAsync(() =>
    {
        _database.DropCollection(collection);
        _snapshots.Delete(collection);
        if (_collections.TryRemove(collection, out var index))
            index.Dispose();
    }, cancellationToken);

    /// <summary>The caller found <paramref name="index"/> before waiting for its turn; it may have been dropped meanwhile.</summary>
    private void ThrowIfDropped(CollectionIndex index)
    {
        if (!_collections.TryGetValue(index.Meta.Name, out var current) || !ReferenceEquals(current, index))
            throw new CollectionNotFoundException(index.Meta.Name);
    }

    private async Task ExclusiveAsync(Action write, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            write();
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// Saves the graph when due (or whenever it changed). A failure, e.g. a full disk, is only logged: the rows are
    /// committed and searchable, a snapshot only shortens the next start, and a later save or that start catches up.
    /// </summary>
    private void SaveSnapshot(CollectionIndex index, bool onlyIfDue)
    {
        try
        {
            if (onlyIfDue)
                _snapshots.SaveIfDue(index, _options.SnapshotEveryChanges);
            else
                _snapshots.SaveIfChanged(index);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or StoreUnavailableException)
        {
            _logger.LogWarning(e, "Could not save the HNSW snapshot of {Collection}", index.Meta.Name);
        }
    }

    private void Close()
    {
        foreach (var index in _collections.Values)
            index.Dispose();
        _collections.Clear();
        _database?.Dispose();
        _lock.Dispose();
    }

    public void Dispose()
    {
        _writes.Wait();
        try
        {
            foreach (var index in _collections.Values)
                SaveSnapshot(index, onlyIfDue: false);
            Close();
        }
        finally
        {
            _writes.Release();
        }
    }
}
