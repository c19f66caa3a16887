using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The in-memory side of one collection: every row in a <see cref="VectorArena"/>, split into a sealed segment (rows the
/// HNSW graph holds) and a growing one (rows it does not hold yet, searched exactly). A write only touches the arena, so
/// an upsert costs what SQLite costs; a <see cref="GraphBuilder"/> moves growing rows into the graph in the background.
/// A search asks the graph for the sealed rows and scans the growing ones, each row answered by exactly one of the two.
/// Searches hold the read lock; writes, and the builder's short bookkeeping steps, hold the write lock. Only the builder
/// changes the graph, and adds to it outside the lock (USearch takes concurrent adds and searches, not a growing capacity).
/// Only one writer at a time calls <see cref="Upsert"/> and <see cref="Remove"/>.
/// </summary>
internal sealed partial class CollectionIndex(StoredCollection meta, EmbeddedStoreOptions options) : IDisposable
{
    private const int WriteChunk = 1_024; // bounds how long a search waits behind a long batch

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly List<long> _leftGraph = []; // sealed ids changed or removed since: their graph entries go next round
    private ShardedGraph? _graph;
    private GraphBuilder? _builder;

    public StoredCollection Meta { get; set; } = meta;

    public VectorArena Arena { get; } = new(meta.Dimension, meta.Metric);

    public ShardedGraph? Graph => _graph;

    public int Count => Read(() => Arena.Count);

    /// <summary>The last change sequence applied to the arena (what a graph snapshot taken now reflects).</summary>
    public long AppliedSequence { get; private set; } = meta.LastSequence;

    /// <summary>Sequence and sealed rows of the newest snapshot saved or restored in this process ((-1, -1): none).</summary>
    public (long Sequence, int Count) Snapshot { get; set; } = (-1, -1);

    /// <summary>Rows waiting for the graph (0 while the collection is below the threshold and searched exactly by design).</summary>
    public int Unindexed => Read(() => _graph is null && Arena.Count < options.HnswThreshold ? 0 : Arena.Growing);

    /// <summary>What the background builder has done so far (nothing while none runs).</summary>
    public (long Rows, TimeSpan Busy) BuilderProgress => _builder?.Progress ?? (0, TimeSpan.Zero);

    /// <summary>Starts indexing in the background; <paramref name="saveSnapshot"/> (the writer's) persists the graph when due.</summary>
    public void StartBuilding(ILogger logger, Func<CollectionIndex, bool>? saveSnapshot) =>
        _builder = new GraphBuilder(this, options, logger, saveSnapshot);

    /// <summary>Applies committed upserts (unique ids) up to change <paramref name="sequence"/>.</summary>
    public void Upsert(IReadOnlyList<VectorRecord> records, long sequence)
    {
        for (var start = 0; start < records.Count; start += WriteChunk)
            Write(() =>
            {
                for (var i = start; i < Math.Min(records.Count, start + WriteChunk); i++)
                {
                    var r = records[i];
                    if (Arena.Upsert(r.Id, r.Vector, r.Path, r.Label) == RowWas.Sealed)
                        _leftGraph.Add(r.Id);
                }
                AppliedSequence = Math.Max(AppliedSequence, sequence);
            });
        _builder?.Wake();
    }

    public int Remove(IReadOnlyList<long> ids, long sequence)
    {
        var removed = 0;
        Write(() =>
        {
            foreach (var id in ids)
            {
                var was = Arena.Remove(id);
                if (was == RowWas.Sealed)
                    _leftGraph.Add(id);
                removed += was == RowWas.Absent ? 0 : 1;
            }
            AppliedSequence = Math.Max(AppliedSequence, sequence);
        });
        _builder?.Wake();
        return removed;
    }

    public VectorRecord? Get(long id) => Read(() => Arena.TryGetRow(id, out var row) ? Arena.Record(row) : null);

    public IReadOnlyList<SearchHit> Search(float[] query, int k, string? label) => Read(() =>
    {
        var graph = Arena.Sealed > 0 ? _graph : null;
        if (label is null)
        {
            var top = Arena.SearchGrowing(query, k, k * Math.Max(1, options.Hnsw.Rerank));
            if (graph is not null)
                OfferGraphCandidates(graph, query, top, null);
            return Hits(top);
        }
        var labelled = Arena.IdsWithLabel(label);
        if (labelled.Count == 0)
            return [];
        if (graph is null || labelled.Count <= options.ExactFilterLimit)
            return Hits(Arena.Search(query, k, labelled));
        // The graph with the label as a predicate, plus the growing rows with that label; if the graph walk finds too
        // few, the exact search over the label's rows answers instead.
        var filtered = Arena.Search(query, k, from: Arena.Sealed, label);
        OfferGraphCandidates(graph, query, filtered, id => Arena.TryGetRow(id, out var row) && row < Arena.Sealed && Arena.LabelAt(row) == label);
        var hits = Hits(filtered);
        return hits.Length >= Math.Min(k, labelled.Count) ? hits : Hits(Arena.Search(query, k, labelled));
    });

    public T Read<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void Write(Action write)
    {
        _lock.EnterWriteLock();
        try
        {
            write();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Asks each graph shard for <see cref="HnswOptions.Rerank"/> × k candidates and offers the sealed ones with exact float32
    /// distances from the arena: a quantised graph (F16, I8) then loses no ranking accuracy, distances match exact search,
    /// and a graph entry of a row that left the sealed segment (changed, removed, or still being added) is never used.
    /// </summary>
    private void OfferGraphCandidates(ShardedGraph graph, float[] query, TopK top, Func<long, bool>? filter)
    {
        foreach (var id in graph.Candidates(query, top.K * Math.Max(1, options.Hnsw.Rerank), filter))
            if (Arena.TryGetRow(id, out var row) && row < Arena.Sealed)
                top.Offer(row, Arena.DistanceTo(query, row));
    }

    private SearchHit[] Hits(TopK top) => top.Sorted().Select(x => Arena.Hit(x.Row, x.Distance)).ToArray();

    /// <summary>
    /// Stops the builder, then frees the graph once no search is inside it (a dropped collection may still be searched by
    /// a request that found it a moment before); such a late search finds no graph and scans the arena.
    /// </summary>
    public void Dispose()
    {
        StopBuilding();
        Write(() =>
        {
            _graph?.Dispose();
            _graph = null;
            Arena.UnsealAll();
        });
    }

    /// <summary>Stops background indexing (waits for the round in progress); the graph stays as it is.</summary>
    public void StopBuilding()
    {
        _builder?.Dispose();
        _builder = null;
    }
}
