using ImageSearch.VectorStore.Embedded;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// A collection whose graph holds projections scans a long growing segment through the rows' int8 codes and re-scores
/// the candidates exactly: rows are found with their exact distances, the top 10 match exact search, and codes follow
/// the rows as they are changed, deleted and sealed (rows swap places).
/// </summary>
public sealed class GrowingCodesTests : IDisposable
{
    private const int Dimension = 24, Rows = 6_000; // well above the 1,024 growing rows from which codes are scanned
    private readonly CollectionIndex _index = new(
        new StoredCollection("codes", Dimension, DistanceMetric.L2, "m", new HnswParameters(16, 64, HnswQuantization.I8, Dimensions: 8), 0, 1, 0),
        new EmbeddedStoreOptions { HnswThreshold = 100, Hnsw = { EfSearch = 256 } });

    private readonly Dictionary<long, VectorRecord> _rows = [];
    private long _sequence;

    [Fact]
    public void GrowingRowsAreFoundThroughTheirCodesWithExactDistances()
    {
        Upsert(Data.LowRankRecords(Rows, Dimension, rank: 4));
        BuildRound(500);
        Assert.NotNull(_index.Graph!.Projection);
        Assert.Equal(Rows - 500, _index.Unindexed);

        var (found, expected) = (0, 0);
        foreach (var record in _rows.Values.Where(r => r.Id % 97 == 0))
        {
            var hits = _index.Search(record.Vector, 10, null);
            Assert.Equal((record.Id, 0f), (hits[0].Id, MathF.Round(hits[0].Distance, 4)));
            Assert.All(hits, h => Assert.Equal(Data.SquaredL2(record.Vector, _rows[h.Id].Vector), h.Distance, 1e-3f));
            var exact = _rows.Values.OrderBy(r => Data.SquaredL2(record.Vector, r.Vector)).Take(10).Select(r => r.Id);
            (found, expected) = (found + hits.Select(h => h.Id).Intersect(exact).Count(), expected + 10);
        }
        Assert.True(found >= 0.9 * expected, $"{found} of {expected} exact neighbours");
    }

    [Fact]
    public void CodesFollowRowsThatAreChangedDeletedOrSealed()
    {
        var records = Upsert(Data.LowRankRecords(Rows, Dimension, rank: 4));
        BuildRound(500);
        var work = _index.TakeGrowing(700, out _)!; // rows 500..1199, being added
        for (var i = 0; i < work.Ids.Length; i++)
            work.Graph.Add(work.Ids[i], work.VectorAt(i));
        long[] changedIds = [10, 501, 3_000]; // sealed, being added, growing
        var changed = Data.LowRankRecords(Rows + changedIds.Length, Dimension, rank: 4)[Rows..]
            .Select((r, i) => r with { Id = changedIds[i] }).ToArray();
        Upsert(changed);
        Delete(4_000, 5_999); // the last row moves into the deleted one's place
        _index.Seal(work); // the rows left growing swap places with each row sealed after them

        Assert.Equal(Rows - 2 - (500 - 1) - (700 - 1), _index.Unindexed); // 10 and 501 are growing again
        foreach (var record in changed.Concat([records[5_000], records[5_998], records[1_500]]))
        {
            var hit = _index.Search(record.Vector, 10, null)[0];
            Assert.Equal((record.Id, 0f), (hit.Id, MathF.Round(hit.Distance, 4)));
        }
        Assert.DoesNotContain(_index.Search(records[4_000].Vector, 10, null), h => h.Id is 4_000 or 5_999);
        foreach (var stale in changedIds.Select(id => records[id]))
            Assert.DoesNotContain(_index.Search(stale.Vector, 10, null), h => h.Id == stale.Id && h.Distance < 1e-6f);
    }

    private VectorRecord[] Upsert(VectorRecord[] records)
    {
        _index.Upsert(records, _sequence += records.Length);
        foreach (var r in records)
            _rows[r.Id] = r;
        return records;
    }

    private void Delete(params long[] ids)
    {
        _index.Remove(ids, _sequence += ids.Length);
        foreach (var id in ids)
            _rows.Remove(id);
    }

    private void BuildRound(int rows)
    {
        var work = _index.TakeGrowing(rows, out _)!;
        for (var i = 0; i < work.Ids.Length; i++)
            work.Graph.Add(work.Ids[i], work.VectorAt(i));
        _index.Seal(work);
    }

    public void Dispose() => _index.Dispose();
}
