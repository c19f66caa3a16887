namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The in-memory side of one collection: every row in a <see cref="VectorArena"/> (exact search), plus an HNSW graph
/// once the collection reaches the threshold. Searches hold the read lock; changes hold the write lock in chunks of 64 rows,
/// so a long batch never stalls searches for long, and no search sees a half-written row.
/// Only one writer at a time calls the mutating methods (<see cref="EmbeddedVectorStore"/> serialises them).
/// </summary>
internal sealed class CollectionIndex(StoredCollection meta, EmbeddedStoreOptions options) : IDisposable
{
    private const int WriteChunk = 64; // bounds how long a search waits behind HNSW inserts (~64 inserts)
    private const int SequentialRows = 2_000;

    /// <summary>USearch has one context per thread slot (<see cref="HnswGraph"/> reserves one per core); never use more.</summary>
    private static readonly ParallelOptions GraphThreads = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    private readonly ReaderWriterLockSlim _lock = new();
    private HnswGraph? _graph;

    public StoredCollection Meta { get; set; } = meta;

    public VectorArena Arena { get; } = new(meta.Dimension, meta.Metric);

    public HnswGraph? Graph => _graph;

    public int Count => Read(() => Arena.Count);

    /// <summary>Applies committed upserts; the batch has unique ids.</summary>
    public void Upsert(IReadOnlyList<VectorRecord> records)
    {
        for (var start = 0; start < records.Count; start += WriteChunk)
        {
            var chunk = records.Skip(start).Take(WriteChunk).ToArray();
            _lock.EnterWriteLock();
            try
            {
                foreach (var r in chunk)
                    if (Arena.Upsert(r.Id, r.Vector, r.Path, r.Label))
                        _graph?.Remove(r.Id);
                if (_graph is { } graph)
                {
                    graph.EnsureCapacity(graph.Count + chunk.Length);
                    Parallel.ForEach(chunk, GraphThreads, r => graph.Add(r.Id, r.Vector));
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        if (_graph is null && Arena.Count >= options.HnswThreshold)
            AttachGraph(BuildGraph());
    }

    public int Remove(IReadOnlyList<long> ids)
    {
        _lock.EnterWriteLock();
        try
        {
            var removed = 0;
            foreach (var id in ids)
                if (Arena.Remove(id))
                {
                    _graph?.Remove(id);
                    removed++;
                }
            return removed;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public VectorRecord? Get(long id) => Read(() => Arena.TryGetRow(id, out var row) ? Arena.Record(row) : null);

    public IReadOnlyList<SearchHit> Search(float[] query, int k, string? label)
    {
        _lock.EnterReadLock();
        try
        {
            if (label is null)
                return _graph is null ? Hits(Arena.Search(query, k)) : GraphSearch(_graph, query, k, null);
            var labelled = Arena.IdsWithLabel(label);
            if (labelled.Count == 0)
                return [];
            if (_graph is null || labelled.Count <= options.ExactFilterLimit)
                return Hits(Arena.Search(query, k, labelled));
            // HNSW with the label as a predicate; if the graph walk finds too few, fall back to exact over the label's rows.
            var hits = GraphSearch(_graph, query, k, id => Arena.TryGetRow(id, out var row) && Arena.LabelAt(row) == label);
            return hits.Length >= Math.Min(k, labelled.Count) ? hits : Hits(Arena.Search(query, k, labelled));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Builds a graph over all rows from the arena, in parallel. The caller is the only writer.</summary>
    public HnswGraph BuildGraph()
    {
        var graph = HnswGraph.Create(Meta.Dimension, Meta.Metric, Meta.Hnsw, options.Hnsw.EfSearch);
        try
        {
            _lock.EnterReadLock();
            try
            {
                graph.EnsureCapacity(Arena.Count);
                // Concurrent inserts into a near-empty graph can leave nodes poorly linked, so the first rows go in alone.
                var warmUp = Math.Min(Arena.Count, SequentialRows);
                for (var row = 0; row < warmUp; row++)
                    graph.Add(Arena.IdAt(row), Arena.VectorAt(row));
                Parallel.For(warmUp, Arena.Count, GraphThreads, row => graph.Add(Arena.IdAt(row), Arena.VectorAt(row)));
            }
            finally
            {
                _lock.ExitReadLock();
            }
            return graph;
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }

    /// <summary>Swaps in a graph that holds exactly the arena's rows.</summary>
    public void AttachGraph(HnswGraph graph)
    {
        _lock.EnterWriteLock();
        try
        {
            (_graph, var old) = (graph, _graph);
            old?.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

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

    /// <summary>
    /// Asks the graph for <see cref="HnswOptions.Rerank"/> × k candidates and re-scores them with exact float32 distances
    /// from the arena: quantised graphs (F16, I8) then lose no ranking accuracy, and distances match exact search.
    /// </summary>
    private SearchHit[] GraphSearch(HnswGraph graph, float[] query, int k, Func<long, bool>? filter)
    {
        var fetch = k * Math.Max(1, options.Hnsw.Rerank);
        var ids = new long[fetch];
        var distances = new float[fetch];
        var found = graph.Search(query, fetch, ids, distances, filter);
        var top = new TopK(k);
        for (var i = 0; i < found; i++)
            if (Arena.TryGetRow(ids[i], out var row))
                top.Offer(row, Arena.DistanceTo(query, row));
        return Hits(top);
    }

    private SearchHit[] Hits(TopK top) => top.Sorted().Select(x => Arena.Hit(x.Row, x.Distance)).ToArray();

    /// <summary>
    /// Frees the graph once no search is inside it (a dropped collection may still be searched by a request that found it
    /// a moment before); such a late search finds no graph and scans the arena. The lock stays usable for it.
    /// </summary>
    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            _graph?.Dispose();
            _graph = null;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
