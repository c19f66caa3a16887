namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The sealed rows of a collection as a list of HNSW graphs (shards), each of at most <see cref="HnswOptions.ShardRows"/>
/// rows, as Milvus seals segments of bounded size and indexes each on its own. The builder fills the newest shard and
/// starts another when it is full, so an add costs what it costs in a graph of that size however large the collection
/// grows (an add is bound by cache misses, which grow with the graph); a search asks every shard at once, one thread
/// each (<see cref="ShardSearchThreads"/>), and offers all their candidates to the same exact re-ranking. All shards
/// share one projection. With <see cref="HnswOptions.ShardRows"/> 0 there is one graph. Shards are created only under
/// the collection's write lock (<see cref="CollectionIndex"/>), so a search, under its read lock, sees a fixed list.
/// </summary>
internal sealed class ShardedGraph : IDisposable
{
    private readonly List<HnswGraph> _shards;
    private readonly Func<HnswGraph> _create;

    /// <param name="create">Makes an empty shard with the collection's parameters and projection.</param>
    /// <param name="shards">The shards so far (restored from a snapshot); none: one new shard.</param>
    public ShardedGraph(Func<HnswGraph> create, IEnumerable<HnswGraph>? shards = null)
    {
        _create = create;
        _shards = shards?.ToList() ?? [];
        if (_shards.Count == 0)
            _shards.Add(create());
    }

    public IReadOnlyList<HnswGraph> Shards => _shards;

    public GraphProjection? Projection => _shards[0].Projection;

    public int Count => _shards.Sum(s => s.Count);

    public long MemoryBytes => _shards.Sum(s => s.MemoryBytes);

    /// <summary>
    /// The shard the next <paramref name="rows"/> growing rows go into, with capacity reserved for those that fit it
    /// (<paramref name="fit"/>): the newest shard while it has room under <paramref name="shardRows"/> (0: no limit), else a new one.
    /// </summary>
    public HnswGraph OpenShard(int rows, int shardRows, out int fit)
    {
        var room = shardRows <= 0 ? int.MaxValue : shardRows - _shards[^1].Count;
        if (room <= 0)
        {
            _shards.Add(_create());
            room = shardRows;
        }
        var shard = _shards[^1];
        fit = Math.Min(rows, room);
        shard.EnsureCapacity(shard.Count + fit);
        return shard;
    }

    public bool Contains(long id) => _shards.Any(s => s.Contains(id));

    public bool Remove(long id) => _shards.Any(s => s.Remove(id));

    /// <summary>Up to <paramref name="k"/> candidates from each shard (nearest first within a shard), the shards searched in parallel.</summary>
    public IEnumerable<long> Candidates(float[] query, int k, Func<long, bool>? filter)
    {
        var found = new long[_shards.Count][];
        if (_shards.Count == 1)
            found[0] = Search(_shards[0], query, k, filter);
        else
            ShardSearchThreads.Shared.Run(_shards.Count, i => found[i] = Search(_shards[i], query, k, filter));
        return found.SelectMany(ids => ids);
    }

    private static long[] Search(HnswGraph shard, float[] query, int k, Func<long, bool>? filter)
    {
        var ids = new long[k];
        var found = shard.Search(query, k, ids, new float[k], filter);
        return found == k ? ids : ids[..found];
    }

    public void Dispose()
    {
        foreach (var shard in _shards)
            shard.Dispose();
        _shards.Clear();
    }
}
