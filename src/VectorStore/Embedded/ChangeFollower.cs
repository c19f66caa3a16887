using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The follower role of the embedded store: opens the writer's database read-only, without the writer lock, and every
/// <see cref="EmbeddedStoreOptions.FollowInterval"/> applies what the writer committed since the last round: collections
/// created, dropped or created again, rows upserted and deleted, found by their sequence numbers. Each round reads one
/// database snapshot, so it never applies half a batch. Until the writer has created the database there is nothing to
/// follow, and the follower keeps looking. It never writes: not SQLite, not a graph snapshot.
/// </summary>
internal sealed class ChangeFollower : IDisposable
{
    private const int ApplyChunk = 4_096; // rows held at once while a long catch-up streams in

    private readonly string _file;
    private readonly EmbeddedStoreOptions _options;
    private readonly ConcurrentDictionary<string, CollectionIndex> _collections;
    private readonly ILogger _logger;
    private readonly Lock _round = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private SqliteRecordStore? _database;
    private CollectionLoader? _loader;
    private bool _failing;

    public ChangeFollower(EmbeddedStoreOptions options, ConcurrentDictionary<string, CollectionIndex> collections, ILogger logger)
    {
        (_file, _options, _collections, _logger) = (SqliteRecordStore.FileIn(options.Path), options, collections, logger);
        TryCatchUp(); // the collections are loaded before the store is handed out, as for the writer
        _loop = Task.Run(() => FollowAsync(_stop.Token));
    }

    /// <summary>Applies every commit of the writer so far.</summary>
    /// <exception cref="StoreUnavailableException">The database cannot be read now.</exception>
    public void CatchUp()
    {
        lock (_round)
        {
            if (_database is null)
            {
                if (!File.Exists(_file))
                    return;
                _database = SqliteRecordStore.OpenFollower(_file);
                _loader = new CollectionLoader(_database, new IndexSnapshot(_options.Path, _database, _logger), _options, _logger, saveSnapshot: null);
            }
            _database.InSnapshot(() =>
            {
                Apply(_database.Collections());
                return 0;
            });
        }
    }

    /// <summary>A follower never creates a collection: it checks the writer's, read afresh, against <paramref name="spec"/>.</summary>
    /// <exception cref="StoreUnavailableException">The writer has not created it yet (retried like any outage).</exception>
    public void Ensure(CollectionSpec spec)
    {
        CatchUp();
        if (!_collections.TryGetValue(spec.Name, out var index))
            throw new StoreUnavailableException(
                $"Collection '{spec.Name}' does not exist yet in the embedded store at {_options.Path}. This process only follows it " +
                "(VectorStore:Embedded:Role=Follower); the writer creates the collection with its first upsert.");
        CollectionMismatch.ThrowIfDifferent(spec, index.Meta.ToSpec(_options.Hnsw.EfSearch), "Collection");
    }

    private void Apply(IReadOnlyList<StoredCollection> stored)
    {
        foreach (var name in _collections.Keys.Except(stored.Select(c => c.Name)))
            if (_collections.TryRemove(name, out var dropped))
            {
                dropped.Dispose();
                _logger.LogInformation("Collection {Collection} was dropped by the writer", name);
            }
        foreach (var meta in stored)
        {
            if (!_collections.TryGetValue(meta.Name, out var index) || index.Meta.Incarnation != meta.Incarnation)
            {
                _collections[meta.Name] = _loader!.Open(meta);
                index?.Dispose(); // dropped and created again by the writer
            }
            else if (index.Meta.LastSequence != meta.LastSequence)
            {
                ApplyChanges(index, meta);
            }
        }
    }

    private void ApplyChanges(CollectionIndex index, StoredCollection meta)
    {
        var after = index.Meta.LastSequence;
        if (meta.DeletionsKeptAfter > after)
        {
            // The writer forgot deletions this follower has not applied yet (a graph snapshot held them): compare ids.
            var kept = _database!.Ids(meta.Name).ToHashSet();
            index.Remove(index.Read(() => Enumerable.Range(0, index.Arena.Count).Select(index.Arena.IdAt).Where(id => !kept.Contains(id)).ToArray()), after);
        }
        else
        {
            index.Remove(_database!.DeletedAfter(meta.Name, after), after);
        }
        List<VectorRecord> changed = [];
        _database.ReadRecords(meta.Name, after, (id, vector, path, label) =>
        {
            changed.Add(new VectorRecord(id, vector.ToArray(), path, label));
            if (changed.Count == ApplyChunk)
            {
                index.Upsert(changed, after);
                changed.Clear();
            }
        });
        index.Upsert(changed, meta.LastSequence);
        index.Meta = meta;
    }

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.FollowInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                TryCatchUp();
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }

    /// <summary>One round of the loop: whatever goes wrong is logged once and tried again next round, so following never stops.</summary>
    private void TryCatchUp()
    {
        try
        {
            CatchUp();
            if (_failing)
                _logger.LogInformation("Following the embedded store's database {File} again", _file);
            _failing = false;
        }
        catch (Exception e)
        {
            if (!_failing)
                _logger.LogWarning(e, "Cannot follow the embedded store's database {File}; trying again every {Interval}", _file, _options.FollowInterval);
            _failing = true;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait();
        lock (_round)
        {
            foreach (var index in _collections.Values)
                index.Dispose();
            _collections.Clear();
            _database?.Dispose();
        }
        _stop.Dispose();
    }
}
