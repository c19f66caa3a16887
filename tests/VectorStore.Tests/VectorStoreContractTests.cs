using ImageSearch.VectorStore;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// What every <see cref="IVectorStore"/> must do, run against each implementation by a subclass. Each test works in
/// its own collection, so a shared server (Milvus) needs no cleanup between tests.
/// </summary>
public abstract partial class VectorStoreContractTests : IAsyncDisposable
{
    protected const int Dimension = 16;
    private readonly List<string> _created = [];

    /// <summary>The store under test; a subclass skips the test (saying why) when it cannot provide one.</summary>
    protected abstract IVectorStore Store { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected async Task<string> NewCollectionAsync(DistanceMetric metric = DistanceMetric.L2, string model = "test-model")
    {
        var spec = NewSpec(metric, model);
        await Store.EnsureCollectionAsync(spec, Ct);
        return spec.Name;
    }

    /// <summary>A spec for a new collection, dropped when the test ends.</summary>
    protected CollectionSpec NewSpec(DistanceMetric metric = DistanceMetric.L2, string model = "test-model")
    {
        var name = "c_" + Guid.NewGuid().ToString("N");
        _created.Add(name);
        return new CollectionSpec(name, Dimension, model, metric, new IndexSpec(NList: 16));
    }

    /// <summary>Drops what the test created (a shared Milvus keeps no test collections), then releases the store.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in _created)
        {
            try
            {
                await Store.DropCollectionAsync(name, CancellationToken.None);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Best effort: the test's own outcome is what matters.
            }
        }
        await DisposeStoreAsync();
        GC.SuppressFinalize(this);
    }

    protected virtual ValueTask DisposeStoreAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task EnsureCollectionIsIdempotent()
    {
        var name = await NewCollectionAsync();
        await Store.EnsureCollectionAsync(new CollectionSpec(name, Dimension, "test-model", DistanceMetric.L2, new IndexSpec(NList: 16)), Ct);
        Assert.Equal(0, await Store.CountAsync(name, Ct));
    }

    [Theory]
    [InlineData(Dimension + 1, "test-model", DistanceMetric.L2, "dimension")]
    [InlineData(Dimension, "other-model", DistanceMetric.L2, "model")]
    [InlineData(Dimension, "test-model", DistanceMetric.Cosine, "metric")]
    public async Task EnsureCollectionWithOtherSettingsThrowsMismatch(int dimension, string model, DistanceMetric metric, string named)
    {
        var name = await NewCollectionAsync();
        var error = await Assert.ThrowsAsync<CollectionMismatchException>(
            () => Store.EnsureCollectionAsync(new CollectionSpec(name, dimension, model, metric), Ct));
        Assert.Contains(named, error.Message);
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public async Task UpsertThenGetReturnsTheRecord()
    {
        var name = await NewCollectionAsync();
        var record = Data.Record(7, label: "cat");
        await Store.UpsertAsync(name, [record, Data.Record(8, label: null)], Ct);

        var got = await Store.GetAsync(name, 7, Ct);
        Assert.NotNull(got);
        Assert.Equal(record.Path, got.Path);
        Assert.Equal("cat", got.Label);
        Assert.Equal(record.Vector, got.Vector, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Null((await Store.GetAsync(name, 8, Ct))!.Label);
        Assert.Null(await Store.GetAsync(name, 9, Ct));
    }

    [Fact]
    public async Task UpsertOfAnExistingIdReplacesIt()
    {
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, Data.Records(0, 20), Ct);
        var replacement = Data.Record(5, seed: 999, label: "new");
        await Store.UpsertAsync(name, [replacement], Ct);

        Assert.Equal(20, await Store.CountAsync(name, Ct));
        Assert.Equal("new", (await Store.GetAsync(name, 5, Ct))!.Label);
        var hits = (await Store.SearchAsync(name, [replacement.Vector], 1, null, Ct))[0];
        Assert.Equal(5, hits[0].Id);
        Assert.True(hits[0].Distance < 1e-3, $"distance to its own new vector was {hits[0].Distance}");
    }

    [Fact]
    public async Task TheLastRecordOfAnIdInOneBatchWins()
    {
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, [Data.Record(1, label: "first"), Data.Record(2), Data.Record(1, seed: 77, label: "last")], Ct);

        Assert.Equal(2, await Store.CountAsync(name, Ct));
        var got = await Store.GetAsync(name, 1, Ct);
        Assert.Equal("last", got!.Label);
        Assert.Equal(Data.Vector(77), got.Vector, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public async Task DeleteRemovesRecordsFromCountGetAndSearch()
    {
        var name = await NewCollectionAsync();
        var records = Data.Records(0, 30);
        await Store.UpsertAsync(name, records, Ct);
        await Store.DeleteAsync(name, [3, 4, 1000], Ct);

        Assert.Equal(28, await Store.CountAsync(name, Ct));
        Assert.Null(await Store.GetAsync(name, 3, Ct));
        var hits = (await Store.SearchAsync(name, [records[3].Vector], 30, null, Ct))[0];
        Assert.DoesNotContain(hits, h => h.Id is 3 or 4);
        Assert.Equal(28, hits.Count);
    }

    [Fact]
    public async Task SearchReturnsNearestFirstWithSquaredL2Distances()
    {
        var name = await NewCollectionAsync();
        var records = Data.Records(0, 50);
        await Store.UpsertAsync(name, records, Ct);
        var query = Data.Vector(seed: 12345);

        var hits = (await Store.SearchAsync(name, [query], 5, null, Ct))[0];

        var expected = records.OrderBy(r => Data.SquaredL2(r.Vector, query)).Take(5).ToArray();
        Assert.Equal(expected.Select(r => r.Id), hits.Select(h => h.Id));
        foreach (var (hit, record) in hits.Zip(expected))
        {
            Assert.Equal(Data.SquaredL2(record.Vector, query), hit.Distance, 1e-3f);
            Assert.Equal(record.Path, hit.Path);
        }
    }

    [Fact]
    public async Task CosineCollectionsReportOneMinusCosine()
    {
        var name = await NewCollectionAsync(DistanceMetric.Cosine);
        var records = Data.Records(0, 20);
        await Store.UpsertAsync(name, records, Ct);
        var query = records[4].Vector.Select(x => x * 3).ToArray(); // same direction, other length

        var hits = (await Store.SearchAsync(name, [query], 3, null, Ct))[0];

        Assert.Equal(4, hits[0].Id);
        Assert.Equal(0, hits[0].Distance, 1e-4f);
        Assert.Equal(1 - Data.Cosine(records[hits[1].Id].Vector, query), hits[1].Distance, 1e-3f);
    }

    [Fact]
    public async Task SearchWithALabelReturnsOnlyThatLabelAndAllKWhenTheyExist()
    {
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, Data.Records(0, 60, i => i % 3 == 0 ? "dog" : "cat"), Ct);

        var hits = (await Store.SearchAsync(name, [Data.Vector(seed: 4242)], 10, "dog", Ct))[0];

        Assert.Equal(10, hits.Count);
        Assert.All(hits, h => Assert.Equal("dog", h.Label));
        Assert.Empty((await Store.SearchAsync(name, [Data.Vector(seed: 1)], 10, "bird", Ct))[0]);
    }

    [Fact]
    public async Task SearchOfManyQueriesAnswersEachInOrder()
    {
        var name = await NewCollectionAsync();
        var records = Data.Records(0, 40);
        await Store.UpsertAsync(name, records, Ct);

        var results = await Store.SearchAsync(name, [records[10].Vector, records[20].Vector, records[30].Vector], 2, null, Ct);

        Assert.Equal([10L, 20L, 30L], results.Select(r => r[0].Id));
    }

    [Fact]
    public async Task UpsertOfAWrongLengthVectorIsRejectedAndWritesNothing()
    {
        var name = await NewCollectionAsync();
        var bad = new VectorRecord(2, new float[Dimension - 1], "/x.jpg", null);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync(name, [Data.Record(1), bad], Ct));

        Assert.Contains($"{Dimension - 1}", error.Message);
        Assert.Equal(0, await Store.CountAsync(name, Ct));
    }

    [Fact]
    public async Task RecordsOutsideTheSharedLimitsAreRejectedAndWriteNothing()
    {
        var name = await NewCollectionAsync();
        VectorRecord[] bad =
        [
            Data.Record(-1),
            Data.Record(2) with { Path = "/" + new string('p', RecordValidation.MaxPathBytes) },
            Data.Record(3) with { Label = new string('l', RecordValidation.MaxLabelBytes + 1) },
            Data.Record(4) with { Path = "/a\0b.jpg" },
            Data.Record(5) with { Path = "" },
        ];

        foreach (var record in bad)
            await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync(name, [Data.Record(10), record], Ct));

        Assert.Equal(0, await Store.CountAsync(name, Ct));
    }

    [Fact]
    public async Task BatchesLargerThanOneRequestAreAllStored()
    {
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, Data.Records(0, 1_200), Ct);
        Assert.Equal(1_200, await Store.CountAsync(name, Ct));
        Assert.NotNull(await Store.GetAsync(name, 1_199, Ct));
    }

    [Fact]
    public async Task DescribeReportsTheStoredSpecAndCount()
    {
        var name = await NewCollectionAsync(model: "resnet18-v1+rp128s42");
        await Store.UpsertAsync(name, Data.Records(0, 3), Ct);

        var info = await Store.DescribeAsync(name, Ct);

        Assert.NotNull(info);
        Assert.Equal((Dimension, "resnet18-v1+rp128s42", DistanceMetric.L2, 3L), (info.Spec.Dimension, info.Spec.Model, info.Spec.Metric, info.Count));
        Assert.Null(await Store.DescribeAsync("never_created_" + Guid.NewGuid().ToString("N"), Ct));
    }

    [Fact]
    public async Task AMissingCollectionIsAClearError()
    {
        var missing = "missing_" + Guid.NewGuid().ToString("N");
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => Store.UpsertAsync(missing, [Data.Record(1)], Ct));
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => Store.SearchAsync(missing, [Data.Vector(1)], 1, null, Ct));
    }

    [Fact]
    public async Task DropRemovesTheCollection()
    {
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, Data.Records(0, 5), Ct);
        await Store.DropCollectionAsync(name, Ct);
        Assert.Null(await Store.DescribeAsync(name, Ct));
        // Re-creating with another model is now allowed: the old data is gone.
        await Store.EnsureCollectionAsync(new CollectionSpec(name, Dimension + 1, "other-model", DistanceMetric.L2, new IndexSpec(NList: 16)), Ct);
        Assert.Equal(0, await Store.CountAsync(name, Ct));
    }
}
