using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The writer role of the embedded store: holds the folder's <see cref="WriterLock"/>, serialises changes, commits each
/// to SQLite first (acknowledged = durable) and applies it to the in-memory index only once committed. A failed write
/// (disk full, busy, I/O error) therefore leaves memory exactly as SQLite has it, and the same call can simply be made
/// again. The HNSW graph is not on this path: each collection's <see cref="GraphBuilder"/> indexes in the background and
/// saves snapshots through <see cref="SaveSnapshot"/>; the deletions a snapshot holds are forgotten in turn here.
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
    private readonly CollectionLoader _loader;
    private bool _closed;

    public StoreWriter(EmbeddedStoreOptions options, ConcurrentDictionary<string, CollectionIndex> collections, ILogger logger)
    {
        (_options, _collections, _logger) = (options, collections, logger);
        Directory.CreateDirectory(options.Path);
        _lock = WriterLock.Acquire(options.Path);
        try
        {
            _database = SqliteRecordStore.OpenWriter(SqliteRecordStore.FileIn(options.Path), options.Synchronous);
            _snapshots = new IndexSnapshot(options.Path, _database, logger);
            _loader = new CollectionLoader(_database, _snapshots, options, logger, SaveSnapshot);
            foreach (var meta in _database.Collections())
                collections[meta.Name] = _loader.Open(meta);
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
            new HnswParameters(hnsw.M, hnsw.EfConstruction, hnsw.Quantization, GraphProjection.DimensionsFor(spec.Dimension, hnsw.Dimensions)), 0, Random.Shared.NextInt64(1, long.MaxValue), 0);
        _database.CreateCollection(meta);
        _collections[spec.Name] = _loader.Open(meta);
        _logger.LogInformation("Created collection {Collection} ({Dimension}-d {Metric}, model {Model})", spec.Name, spec.Dimension, spec.Metric, spec.Model);
    }, cancellationToken);

    /// <summary>Upserts a validated batch with unique ids into <paramref name="index"/>.</summary>
    public Task UpsertAsync(CollectionIndex index, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken) => ExclusiveAsync(() =>
    {
        ThrowIfDropped(index);
        index.Meta = index.Meta with { LastSequence = _database.Upsert(index.Meta.Name, index.Meta.LastSequence, records) };
        index.Upsert(records, index.Meta.LastSequence);
    }, cancellationToken);

    public Task DeleteAsync(CollectionIndex index, IReadOnlyList<long> ids, CancellationToken cancellationToken) => ExclusiveAsync(() =>
    {
        ThrowIfDropped(index);
        index.Meta = index.Meta with { LastSequence = _database.Delete(index.Meta.Name, index.Meta.LastSequence, ids) };
        index.Remove(ids, index.Meta.LastSequence);
    }, cancellationToken);

    public Task DropAsync(string collection, CancellationToken cancellationToken) => ExclusiveAsync(() =>
    {
        _database.DropCollection(collection);
        if (_collections.TryRemove(collection, out var index))
            index.Dispose(); // stops its builder first, so no snapshot of it is written after the delete
        _snapshots.Delete(collection);
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
    /// Saves the graph of <paramref name="index"/> (called by its builder, or on shutdown after the builder stopped), then
    /// forgets the deletions it holds, in turn with the writes. A failure, e.g. a full disk, is only logged: the rows are
    /// committed and searchable, a snapshot only shortens the next start, and a later save or that start catches up.
    /// </summary>
    private bool SaveSnapshot(CollectionIndex index)
    {
        if (!TrySave(index, out var sequence))
            return false;
        if (sequence is { } saved)
            _ = ForgetDeletionsAsync(index, saved);
        return true;
    }

    /// <summary><paramref name="sequence"/>: what the new snapshot reflects; null when none was written (no graph, or unchanged).</summary>
    private bool TrySave(CollectionIndex index, out long? sequence)
    {
        try
        {
            sequence = _snapshots.Save(index);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _logger.LogWarning(e, "Could not save the HNSW snapshot of {Collection}", index.Meta.Name);
            sequence = null;
            return false;
        }
    }

    /// <summary>Not awaited by the builder: a drop or shutdown waiting for the builder must not wait for this in turn.</summary>
    private async Task ForgetDeletionsAsync(CollectionIndex index, long sequence)
    {
        try
        {
            await ExclusiveAsync(() =>
            {
                // Gone or created again under its name meanwhile: those deletions are not this snapshot's to forget.
                if (!_closed && _collections.TryGetValue(index.Meta.Name, out var current) && ReferenceEquals(current, index))
                    _database.ForgetDeletions(index.Meta.Name, sequence);
            }, CancellationToken.None);
        }
        catch (StoreUnavailableException e)
        {
            _logger.LogWarning(e, "Could not forget the deletions held by the HNSW snapshot of {Collection}; the next snapshot will", index.Meta.Name);
        }
    }

    private void Close()
    {
        _closed = true;
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
            {
                index.StopBuilding();
                // What the builder got to; the rows it had not reached are indexed again after the next start.
                if (TrySave(index, out var sequence) && sequence is { } saved)
                    try
                    {
                        _database.ForgetDeletions(index.Meta.Name, saved);
                    }
                    catch (StoreUnavailableException e)
                    {
                        _logger.LogWarning(e, "Could not forget the deletions held by the HNSW snapshot of {Collection}", index.Meta.Name);
                    }
            }
            Close();
        }
        finally
        {
            _writes.Release();
        }
    }
}
