using System.Text.Json.Nodes;
using ImageSearch.VectorStore.Embedded;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// Sealed rows spread over several HNSW graphs of at most <see cref="HnswOptions.ShardRows"/> rows: the builder fills one
/// shard and then starts the next, one search answers from all of them and the growing rows together, a changed row moves
/// to the newest shard, and snapshots keep every shard (and still read the one-graph form saved before shards existed).
/// </summary>
public sealed class ShardedGraphTests : IDisposable
{
    private const int Dimension = 24, ShardRows = 300;
    private readonly TempFolder _directory = new();
    private readonly CollectionIndex _index = new(
        new StoredCollection("images", Dimension, DistanceMetric.L2, "m", new HnswParameters(16, 128, HnswQuantization.F32), 0, 1, 0),
        new EmbeddedStoreOptions { HnswThreshold = 100, ExactFilterLimit = 0, Hnsw = { EfSearch = 256, ShardRows = ShardRows } }); // filters walk the graph

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void RowsPastAShardsLimitGoIntoTheNextAndOneSearchAnswersFromEveryShard()
    {
        var records = Data.Records(0, 1_100, i => i % 2 == 0 ? "even" : "odd", Dimension);
        _index.Upsert(records, 1_100);

        var rounds = new List<int>();
        while (BuildRound(400) is { } added)
            rounds.Add(added);

        Assert.Equal([300, 300, 300, 200], rounds); // a round stops where its shard is full
        Assert.Equal([300, 300, 300, 200], _index.Graph!.Shards.Select(s => s.Count));
        Assert.Equal(0, _index.Unindexed);
        foreach (var record in records.Where((_, i) => i % 5 == 0))
        {
            var hits = _index.Search(record.Vector, 10, null);
            Assert.Equal(ExactTop(records, record.Vector), hits.Select(h => h.Id)); // ef 256 over shards of 300: exact
            Assert.Equal(record.Id, _index.Search(record.Vector, 5, record.Label)[0].Id);
        }
    }

    [Fact]
    public void AChangedRowLeavesItsShardAndIsAddedToTheNewest()
    {
        var records = Data.Records(0, 500, dimension: Dimension);
        _index.Upsert(records, 500);
        while (BuildRound(500) is not null)
        {
        }
        var replaced = Data.Record(5, seed: 50_000, dimension: Dimension);

        _index.Upsert([replaced], 501);
        BuildRound(500);

        var shards = _index.Graph!.Shards;
        Assert.Equal([299, 201], shards.Select(s => s.Count));
        Assert.False(shards[0].Contains(5));
        Assert.True(shards[1].Contains(5));
        var hit = _index.Search(replaced.Vector, 1, null)[0];
        Assert.Equal((5L, 0f), (hit.Id, MathF.Round(hit.Distance, 4)));
    }

    [Fact]
    public async Task EveryShardIsSavedAndRestored()
    {
        var records = Data.Records(0, 1_000, dimension: Dimension);
        using (var store = await OpenAsync(ShardRows))
        {
            await store.UpsertAsync("images", records, Ct);
            await Eventually.HoldsAsync(() => store.UnindexedRows("images") == 0, "the background builder indexed every row");
        }
        Assert.Equal(4, Directory.EnumerateFiles(_directory.Path, "images.*.usearch").Count());

        using var reopened = await OpenAsync(shardRows: 0); // restored shards stay as they are; new rows join the newest

        Assert.Equal(0, reopened.UnindexedRows("images"));
        var more = Data.Records(1_000, 500, dimension: Dimension);
        await reopened.UpsertAsync("images", more, Ct);
        await Eventually.HoldsAsync(() => reopened.UnindexedRows("images") == 0, "the builder indexed the new rows");
        await AssertEachFindsItselfAsync(reopened, [.. records, .. more]);
    }

    [Fact]
    public async Task ASnapshotOfOneGraphSavedBeforeShardsIsRestored()
    {
        var records = Data.Records(0, 600, dimension: Dimension);
        using (var store = await OpenAsync(shardRows: 0))
        {
            await store.UpsertAsync("images", records, Ct);
            await Eventually.HoldsAsync(() => store.UnindexedRows("images") == 0, "the background builder indexed every row");
        }
        var headerFile = Path.Combine(_directory.Path, "images.snapshot.json");
        var header = JsonNode.Parse(File.ReadAllText(headerFile))!.AsObject();
        header["GraphFile"] = header["GraphFiles"]![0]!.GetValue<string>(); // the header as it was written before shards
        header.Remove("GraphFiles");
        File.WriteAllText(headerFile, header.ToJsonString());

        using var reopened = await OpenAsync(ShardRows);

        Assert.Equal(0, reopened.UnindexedRows("images")); // restored, not rebuilt
        await AssertEachFindsItselfAsync(reopened, records);
    }

    private async Task<EmbeddedVectorStore> OpenAsync(int shardRows)
    {
        var store = new EmbeddedVectorStore(new EmbeddedStoreOptions
        {
            Path = _directory.Path, HnswThreshold = 200, Hnsw = { EfSearch = 512, ShardRows = shardRows },
        });
        await store.EnsureCollectionAsync(new CollectionSpec("images", Dimension, "m"), Ct);
        return store;
    }

    /// <summary>One round of the builder, as <see cref="GraphBuilder"/> takes it; the rows it added, or null when none were growing.</summary>
    private int? BuildRound(int rows)
    {
        var work = _index.TakeGrowing(rows, out _);
        if (work is null)
            return null;
        for (var i = 0; i < work.Ids.Length; i++)
            work.Graph.Add(work.Ids[i], work.VectorAt(i));
        _index.Seal(work);
        return work.Ids.Length;
    }

    private static IEnumerable<long> ExactTop(IEnumerable<VectorRecord> records, float[] query) =>
        records.OrderBy(r => Data.SquaredL2(r.Vector, query)).Take(10).Select(r => r.Id);

    private static async Task AssertEachFindsItselfAsync(IVectorStore store, IReadOnlyList<VectorRecord> records)
    {
        var results = await store.SearchAsync("images", records.Select(r => r.Vector).ToArray(), 10, null, Ct);
        Assert.All(records.Zip(results), p => Assert.Contains(p.Second, h => h.Id == p.First.Id));
    }

    public void Dispose()
    {
        _index.Dispose();
        _directory.Dispose();
    }
}
