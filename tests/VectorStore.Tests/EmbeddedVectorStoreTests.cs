using System.Text.Json.Nodes;
using ImageSearch.VectorStore.Embedded;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>Behaviour only the embedded store has: reopening, HNSW snapshots, concurrency, the filtered-HNSW fallback.</summary>
public sealed class EmbeddedVectorStoreTests : IDisposable
{
    private const string Name = "images";
    private const int Dimension = 24;
    private readonly TempFolder _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A wide search: these tests check that every row is in the index, not how well a graph built by concurrent adds under
    // load ranks (one row in 300 missed its own top 10 at ef=128 once, with the whole suite running on two cores).
    private EmbeddedStoreOptions Options(int threshold = 200, int exactFilterLimit = 20_000) =>
        new() { Path = _directory.Path, HnswThreshold = threshold, ExactFilterLimit = exactFilterLimit, Hnsw = { EfSearch = 512 } };

    private static async Task<EmbeddedVectorStore> OpenAsync(EmbeddedStoreOptions options)
    {
        var store = new EmbeddedVectorStore(options);
        await store.EnsureCollectionAsync(new CollectionSpec(Name, Dimension, "m"), Ct);
        return store;
    }

    [Fact]
    public async Task ReopeningRestoresEveryRecordAndFindsThem()
    {
        var records = Data.Records(0, 1_000, dimension: Dimension);
        using (var store = await OpenAsync(Options()))
        {
            await store.UpsertAsync(Name, records, Ct);
            await Eventually.HoldsAsync(() => store.UnindexedRows(Name) == 0, "the background builder indexed every row");
        }

        Assert.True(File.Exists(Path.Combine(_directory.Path, $"{Name}.snapshot.json")), "the HNSW snapshot is saved");
        using var reopened = await OpenAsync(Options());
        Assert.Equal(0, reopened.UnindexedRows(Name)); // every row is back in the graph from the snapshot, none rebuilt
        Assert.Equal(1_000, await reopened.CountAsync(Name, Ct));
        await AssertEachFindsItselfAsync(reopened, records);
    }

    [Theory]
    [InlineData(0)] // the graph holds the vectors whole
    [InlineData(8)] // the graph holds their projections onto 8 principal directions (of 24)
    public async Task ACollectionKeepsTheGraphParametersItWasCreatedWith(int graphDimensions)
    {
        var records = Data.LowRankRecords(1_000, Dimension, rank: 4);
        var created = Options();
        (created.Hnsw.M, created.Hnsw.EfConstruction, created.Hnsw.Dimensions) = (12, 40, graphDimensions);
        Assert.NotEqual((12, 40), (Options().Hnsw.M, Options().Hnsw.EfConstruction));
        using (var store = await OpenAsync(created))
        {
            await store.UpsertAsync(Name, records, Ct);
            await Eventually.HoldsAsync(() => store.UnindexedRows(Name) == 0, "the background builder indexed every row");
            await AssertEachFindsItselfAsync(store, records);
        }
        Assert.Equal(graphDimensions > 0, Directory.EnumerateFiles(_directory.Path, $"{Name}.*.projection").Any());

        using var reopened = await OpenAsync(Options()); // the defaults of the day

        var index = (await reopened.DescribeAsync(Name, Ct))!.Spec.Index!;
        Assert.Equal((12, 40), (index.M, index.EfConstruction));
        Assert.Equal(0, reopened.UnindexedRows(Name)); // its snapshot (and projection), built with the stored parameters, is used as it is
        await AssertEachFindsItselfAsync(reopened, records);
    }

    [Fact]
    public async Task AStaleSnapshotIsCaughtUpWithLaterChanges()
    {
        var first = Data.Records(0, 600, dimension: Dimension);
        var later = Data.Records(600, 300, dimension: Dimension);
        var replaced = Enumerable.Range(0, 20).Select(i => Data.Record(i, seed: 50_000 + i, dimension: Dimension)).ToArray();
        var staleCopy = Path.Combine(_directory.Path, "stale");
        using (var store = await OpenAsync(Options()))
        {
            await store.UpsertAsync(Name, first, Ct);
            await Eventually.HoldsAsync(() => store.UnindexedRows(Name) == 0, "the background builder indexed every row");
        } // the snapshot holds all 600
        CopySnapshotFiles(_directory.Path, staleCopy);
        using (var store = await OpenAsync(Options()))
        {
            await store.UpsertAsync(Name, later, Ct);
            await store.UpsertAsync(Name, replaced, Ct);
            await store.DeleteAsync(Name, [100, 101, 700], Ct);
        }
        // Put the old snapshot back, as if the process had died before saving a newer one.
        foreach (var file in Directory.EnumerateFiles(_directory.Path, $"{Name}.*"))
            File.Delete(file);
        CopySnapshotFiles(staleCopy, _directory.Path);

        using var reopened = await OpenAsync(Options());

        Assert.Equal(897, await reopened.CountAsync(Name, Ct));
        Assert.Null(await reopened.GetAsync(Name, 700, Ct));
        var survivors = first.Skip(20).Concat(later).Concat(replaced).Where(r => r.Id is not (100 or 101 or 700)).ToArray();
        await AssertEachFindsItselfAsync(reopened, survivors);
    }

    [Fact]
    public async Task ASnapshotAheadOfTheDatabaseIsIgnored()
    {
        var records = Data.Records(0, 500, dimension: Dimension);
        using (var store = await OpenAsync(Options()))
        {
            await store.UpsertAsync(Name, records, Ct);
            await Eventually.HoldsAsync(() => store.UnindexedRows(Name) == 0, "the background builder indexed every row");
        }
        var header = Path.Combine(_directory.Path, $"{Name}.snapshot.json");
        var json = JsonNode.Parse(File.ReadAllText(header))!;
        json["Sequence"] = 1_000_000; // e.g. a snapshot copied from another store
        File.WriteAllText(header, json.ToJsonString());

        using var reopened = await OpenAsync(Options());

        Assert.Equal(500, await reopened.CountAsync(Name, Ct));
        await AssertEachFindsItselfAsync(reopened, records); // exactly from the growing rows, or from the new graph
        // Rebuilt in the background and saved afresh once it holds every row.
        await Eventually.HoldsAsync(() => !File.ReadAllText(header).Contains("1000000"), "the rebuilt graph replaced the snapshot");
        Assert.Equal(0, reopened.UnindexedRows(Name));
    }

    [Fact]
    public async Task SearchesRunWhileTheIndexerWritesAndNeverSeeHalfWrittenRows()
    {
        using var store = await OpenAsync(Options(threshold: 500));
        var records = Data.Records(0, 3_000, dimension: Dimension);
        await store.UpsertAsync(Name, records[..100], Ct);
        using var stop = new CancellationTokenSource();
        var searches = 0;

        async Task ReadAsync(int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                var query = records[random.Next(100)];
                var hits = (await store.SearchAsync(Name, [query.Vector], 5, null, Ct))[0];
                Assert.Equal(5, hits.Count);
                foreach (var hit in hits) // distance must match the row's actual vector: no torn read
                    Assert.Equal(Data.SquaredL2(records[hit.Id].Vector, query.Vector), hit.Distance, 1e-2f);
                Interlocked.Increment(ref searches);
            }
        }

        var readers = new[] { Task.Run(() => ReadAsync(1), Ct), Task.Run(() => ReadAsync(2), Ct) };
        foreach (var batch in records[100..].Chunk(100))
            await store.UpsertAsync(Name, batch, Ct);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.True(searches > 0);
        Assert.Equal(3_000, await store.CountAsync(Name, Ct));
        await AssertEachFindsItselfAsync(store, records.Where((_, i) => i % 10 == 0).ToArray());
    }

    [Fact]
    public async Task ARareLabelOnAnHnswCollectionStillReturnsAllItsRows()
    {
        // ExactFilterLimit 0 forces the filtered graph walk first; rows of a rare label are far apart in the graph,
        // so the exact fallback must deliver them.
        using var store = await OpenAsync(Options(threshold: 200, exactFilterLimit: 0));
        await store.UpsertAsync(Name, Data.Records(0, 2_000, i => i % 500 == 7 ? "rare" : "common", Dimension), Ct);
        var query = Data.Vector(seed: 99, Dimension);

        var rare = (await store.SearchAsync(Name, [query], 10, "rare", Ct))[0];
        var common = (await store.SearchAsync(Name, [query], 10, "common", Ct))[0];

        Assert.Equal([7L, 507L, 1007L, 1507L], rare.Select(h => h.Id).Order());
        Assert.Equal(10, common.Count);
        Assert.All(common, h => Assert.Equal("common", h.Label));
    }

    [Fact]
    public async Task AnI8GraphRefusesComponentsOutsideMinusOneToOne()
    {
        var options = Options();
        options.Hnsw.Quantization = HnswQuantization.I8;
        using var store = await OpenAsync(options);
        var vector = Data.Vector(1, Dimension);
        vector[0] = 1.5f;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(Name, [new VectorRecord(1, vector, "/a.jpg", null)], Ct));

        Assert.Contains("I8", error.Message);
        Assert.Equal(0, await store.CountAsync(Name, Ct));
    }

    [Fact]
    public async Task NonFiniteVectorsAreRejected()
    {
        using var store = await OpenAsync(Options());
        var vector = Data.Vector(1, Dimension);
        vector[3] = float.NaN;
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync(Name, [new VectorRecord(1, vector, "/a.jpg", null)], Ct));
        Assert.Equal(0, await store.CountAsync(Name, Ct));
    }

    /// <summary>Every record is in the index: its own vector brings it back among the top 10 (HNSW is approximate, so not always first).</summary>
    private static async Task AssertEachFindsItselfAsync(IVectorStore store, IReadOnlyList<VectorRecord> records)
    {
        var results = await store.SearchAsync(Name, records.Select(r => r.Vector).ToArray(), 10, null, Ct);
        var misses = records.Zip(results).Where(p => p.Second.All(h => h.Id != p.First.Id)).Select(p => p.First.Id).ToArray();
        Assert.True(misses.Length == 0, $"{misses.Length} records did not find themselves, e.g. {string.Join(",", misses.Take(5))}");
    }

    private static void CopySnapshotFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, $"{Name}.*"))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }

    public void Dispose() => _directory.Dispose();
}
