namespace ImageSearch.VectorStore.Embedded;

/// <summary>A batch of growing rows copied out for one graph shard: ids, the versions they had, and their vectors.</summary>
internal sealed record GraphWork(HnswGraph Graph, long[] Ids, long[] Versions, float[] Vectors, int Dimension)
{
    public ReadOnlySpan<float> VectorAt(int i) => Vectors.AsSpan(i * Dimension, Dimension);
}

/// <summary>The steps <see cref="GraphBuilder"/> takes on a collection, each a short hold of the write lock.</summary>
internal sealed partial class CollectionIndex
{
    private const int ProjectionSample = 5_000;

    /// <summary>
    /// Once the collection has a graph (see <see cref="EnsureGraph"/>), removes the graph entries of rows that left the sealed
    /// segment, and copies out up to <paramref name="max"/> growing rows, as many as fit the shard they go into
    /// (<see cref="ShardedGraph.OpenShard"/>), with room reserved for them; null when there are none.
    /// Returns the number of graph entries removed in <paramref name="removed"/>.
    /// </summary>
    public GraphWork? TakeGrowing(int max, out int removed)
    {
        GraphWork? work = null;
        var dropped = 0;
        if (!EnsureGraph())
        {
            removed = 0;
            return null;
        }
        Write(() =>
        {
            dropped = RemoveLeftGraph(_graph!);
            if (Arena.Growing == 0)
                return;
            var shard = _graph!.OpenShard(Math.Min(max, Arena.Growing), options.Hnsw.ShardRows, out var count);
            var (ids, versions, vectors) = (new long[count], new long[count], new float[count * Meta.Dimension]);
            for (var i = 0; i < count; i++)
            {
                var row = Arena.Sealed + i;
                (ids[i], versions[i]) = (Arena.IdAt(row), Arena.VersionAt(row));
                Arena.VectorAt(row).CopyTo(vectors.AsSpan(i * Meta.Dimension, Meta.Dimension));
            }
            work = new GraphWork(shard, ids, versions, vectors, Meta.Dimension);
        });
        removed = dropped;
        return work;
    }

    /// <summary>
    /// Creates the graph once the collection reaches the threshold; false before. A projected graph's directions are
    /// fitted on up to <see cref="ProjectionSample"/> rows spread over the collection, copied under the read lock and
    /// fitted outside any lock (under a second for 512-d on two cores), so writes and searches go on meanwhile; where
    /// they carry too little of the variance the graph holds whole vectors, as the snapshot then records. Only the
    /// builder creates graphs.
    /// </summary>
    private bool EnsureGraph()
    {
        if (_graph is not null)
            return true;
        var sample = Read(() => Arena.Count < options.HnswThreshold ? null : Meta.Hnsw.Dimensions == 0 ? [] : Sample());
        if (sample is null)
            return false;
        var projection = sample.Length > 0 ? GraphProjection.Fit(sample, Meta.Hnsw.Dimensions, Meta.Metric) : null;
        Write(() =>
        {
            if (_graph is not null)
                return;
            _graph = new ShardedGraph(NewShard(projection));
            if (projection is not null)
                Arena.UseCodes(projection);
        });
        return true;
    }

    private float[][] Sample()
    {
        var count = Math.Min(ProjectionSample, Arena.Count);
        return Enumerable.Range(0, count).Select(i => Arena.VectorAt((int)((long)i * Arena.Count / count)).ToArray()).ToArray();
    }

    /// <summary>Seals the rows of <paramref name="work"/> now in the graph; one changed or removed meanwhile leaves the graph again.</summary>
    public void Seal(GraphWork work) => Write(() =>
    {
        for (var i = 0; i < work.Ids.Length; i++)
            if (!Arena.Seal(work.Ids[i], work.Versions[i]))
                work.Graph.Remove(work.Ids[i]);
    });

    /// <summary>Adding <paramref name="work"/> failed part-way: whatever of it reached the graph is removed next round.</summary>
    public void Abandon(GraphWork work) => Write(() => _leftGraph.AddRange(work.Ids));

    /// <summary>
    /// The graph as it stands, with every stale entry removed, and the change sequence and row count it then reflects:
    /// it holds exactly the sealed rows, each with the vector it has at that sequence. Call with no builder running; a
    /// writer may go on meanwhile, since writes only touch the arena, and their sequences are above the one returned.
    /// </summary>
    public (ShardedGraph Graph, long Sequence, int Count)? Freeze()
    {
        (ShardedGraph, long, int)? frozen = null;
        Write(() =>
        {
            if (_graph is null)
                return;
            RemoveLeftGraph(_graph);
            frozen = (_graph, AppliedSequence, Arena.Sealed);
        });
        return frozen;
    }

    /// <summary>
    /// Adopts a graph restored from a snapshot that holds rows of this arena with their current vectors: those rows are
    /// sealed. False (and the graph is left to the caller) when the graph holds anything else, e.g. a row removed since.
    /// </summary>
    public bool AttachRestored(ShardedGraph graph)
    {
        var attached = false;
        Write(() =>
        {
            for (var row = Arena.Sealed; row < Arena.Count; row++)
                if (graph.Contains(Arena.IdAt(row)))
                    Arena.Seal(Arena.IdAt(row), Arena.VersionAt(row));
            attached = graph.Count == Arena.Sealed;
            if (attached)
            {
                _graph = graph;
                if (graph.Projection is { } projection)
                    Arena.UseCodes(projection);
            }
            else
                Arena.UnsealAll();
        });
        return attached;
    }

    /// <summary>Makes empty shards with the collection's parameters and <paramref name="projection"/>.</summary>
    public Func<HnswGraph> NewShard(GraphProjection? projection) =>
        () => HnswGraph.Create(Meta.Dimension, Meta.Metric, Meta.Hnsw, options.Hnsw.EfSearch, projection);

    private int RemoveLeftGraph(ShardedGraph graph)
    {
        var removed = _leftGraph.Count(graph.Remove);
        _leftGraph.Clear();
        return removed;
    }
}
