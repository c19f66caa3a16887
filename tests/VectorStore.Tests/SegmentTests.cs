using ImageSearch.VectorStore.Embedded;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// The two segments of a collection, driven step by step the way <see cref="GraphBuilder"/> drives them (copy rows out,
/// add them to the graph, seal), so each state is reached on purpose: rows in the graph and rows still growing answer
/// one search together, once each; an id changed or deleted on either side, or while it is being added, is found with
/// its current vector or not at all, and the graph ends holding exactly the sealed rows.
/// </summary>
public sealed class SegmentTests : IDisposable
{
    private const int Dimension = 24;
    private readonly CollectionIndex _index = new(
        new StoredCollection("images", Dimension, DistanceMetric.L2, "m", new HnswParameters(16, 128, HnswQuantization.F32), 0, 1, 0),
        new EmbeddedStoreOptions { HnswThreshold = 100, Hnsw = { EfSearch = 256 } });

    private long _sequence;

    [Fact]
    public void SealedAndGrowingRowsAnswerOneSearchOnceEach()
    {
        var records = Upsert(Data.Records(0, 1_000, dimension: Dimension));
        BuildRound(600);
        Assert.Equal((600, 400), (_index.Arena.Sealed, _index.Unindexed));

        foreach (var record in records.Where((_, i) => i % 7 == 0))
        {
            var hits = _index.Search(record.Vector, 10, null);
            Assert.Equal(record.Id, hits[0].Id);
            Assert.Equal(0, hits[0].Distance, 1e-4f);
            Assert.Equal(10, hits.Select(h => h.Id).Distinct().Count());
            Assert.Equal(ExactTop(records, record.Vector, 10), hits.Select(h => h.Id)); // ef 256 over 600 rows: exact
        }
    }

    [Fact]
    public void AnUpsertOfASealedIdLeavesTheGraphAndIsFoundWithItsNewVector()
    {
        var records = Upsert(Data.Records(0, 500, dimension: Dimension));
        BuildRound(500);
        var replaced = Data.Record(7, seed: 70_000, dimension: Dimension);

        Upsert([replaced]);

        Assert.Equal(1, _index.Unindexed);
        AssertFindsOnly(replaced, stale: records[7]);
        BuildRound(500); // drops the stale graph entry, adds the new vector
        Assert.Equal(0, _index.Unindexed);
        Assert.Equal(500, _index.Graph!.Count);
        AssertFindsOnly(replaced, stale: records[7]);
    }

    [Fact]
    public void RowsChangedOrDeletedWhileBeingAddedAreNotSealed()
    {
        var records = Upsert(Data.Records(0, 300, dimension: Dimension));
        var work = _index.TakeGrowing(300, out _)!;
        foreach (var i in Enumerable.Range(0, work.Ids.Length))
            work.Graph.Add(work.Ids[i], work.VectorAt(i));
        var replaced = Data.Record(11, seed: 110_000, dimension: Dimension);
        Upsert([replaced]);
        Delete(12);

        _index.Seal(work);

        Assert.Equal(298, _index.Arena.Sealed);
        Assert.Equal(1, _index.Unindexed);
        Assert.Equal(298, _index.Graph!.Count); // neither the old vector of 11 nor the deleted 12 stays in the graph
        Assert.DoesNotContain(_index.Search(records[12].Vector, 10, null), h => h.Id == 12);
        AssertFindsOnly(replaced, stale: records[11]);
    }

    [Fact]
    public void DeletedRowsAreNeverReturnedFromEitherSegment()
    {
        var records = Upsert(Data.Records(0, 400, dimension: Dimension));
        BuildRound(200);

        Delete(3, 250); // one sealed, one growing

        foreach (var id in new[] { 3, 250 })
            Assert.DoesNotContain(_index.Search(records[id].Vector, 20, null), h => h.Id == id);
        Assert.Equal(398, _index.Count);
        BuildRound(400);
        Assert.Equal((398, 398), (_index.Arena.Sealed, _index.Graph!.Count));
        Assert.All(records.Where(r => r.Id is not (3 or 250)), r => Assert.Equal(r.Id, _index.Search(r.Vector, 1, null)[0].Id));
    }

    [Fact]
    public void ALabelFilterSearchesBothSegments()
    {
        var options = new EmbeddedStoreOptions { HnswThreshold = 100, ExactFilterLimit = 0 }; // always the filtered graph walk
        using var index = new CollectionIndex(
            new StoredCollection("labels", Dimension, DistanceMetric.L2, "m", new HnswParameters(16, 128, HnswQuantization.F32), 0, 1, 0), options);
        var records = Data.Records(0, 600, i => i % 2 == 0 ? "even" : "odd", Dimension);
        index.Upsert(records, 600);
        var work = index.TakeGrowing(300, out _)!;
        for (var i = 0; i < work.Ids.Length; i++)
            work.Graph.Add(work.Ids[i], work.VectorAt(i));
        index.Seal(work);

        foreach (var record in new[] { records[10], records[11], records[450], records[451] }) // sealed and growing
        {
            var hits = index.Search(record.Vector, 5, record.Label);
            Assert.Equal(record.Id, hits[0].Id);
            Assert.All(hits, h => Assert.Equal(record.Label, h.Label));
        }
    }

    private VectorRecord[] Upsert(VectorRecord[] records)
    {
        _index.Upsert(records, _sequence += records.Length);
        return records;
    }

    private void Delete(params long[] ids) => _index.Remove(ids, _sequence += ids.Length);

    /// <summary>One round of the builder over up to <paramref name="rows"/> growing rows.</summary>
    private void BuildRound(int rows)
    {
        var work = _index.TakeGrowing(rows, out _);
        if (work is null)
            return;
        for (var i = 0; i < work.Ids.Length; i++)
            work.Graph.Add(work.Ids[i], work.VectorAt(i));
        _index.Seal(work);
    }

    /// <summary>The id is found at distance 0 from its new vector, and its old vector no longer matches it exactly.</summary>
    private void AssertFindsOnly(VectorRecord current, VectorRecord stale)
    {
        var hits = _index.Search(current.Vector, 10, null);
        Assert.Equal((current.Id, 0f), (hits[0].Id, MathF.Round(hits[0].Distance, 4)));
        Assert.Single(hits, h => h.Id == current.Id);
        var old = _index.Search(stale.Vector, 10, null).SingleOrDefault(h => h.Id == current.Id);
        if (old is not null)
            Assert.Equal(Data.SquaredL2(current.Vector, stale.Vector), old.Distance, 1e-3f);
    }

    private static IEnumerable<long> ExactTop(IEnumerable<VectorRecord> records, float[] query, int k) =>
        records.OrderBy(r => Data.SquaredL2(r.Vector, query)).Take(k).Select(r => r.Id);

    public void Dispose() => _index.Dispose();
}
