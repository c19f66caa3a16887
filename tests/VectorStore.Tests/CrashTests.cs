using ImageSearch.VectorStore.Embedded;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// A writer in another process, killed with SIGKILL mid-stream (<see cref="CrashWriterProcess"/>): the reopened store
/// must hold every acknowledged record, intact and findable; while it runs it holds the folder against other writers
/// and a follower here keeps up with it; its death frees the folder.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const string Collection = "crash";
    private const int Dimension = 32;
    private readonly TempFolder _directory = new();

    [Fact]
    public async Task EveryAcknowledgedUpsertSurvivesSigkill()
    {
        var ct = TestContext.Current.CancellationToken;
        var acknowledged = await RunWriterAndKillAsync(minimumAcknowledged: 1_500, ct);

        using var store = new EmbeddedVectorStore(new EmbeddedStoreOptions { Path = _directory.Path, HnswThreshold = 500 });

        var count = await store.CountAsync(Collection, ct);
        // Every acknowledged batch is there; at most the one batch in flight at the kill may be there too.
        Assert.InRange(count, acknowledged + 1, acknowledged + 1 + 10);
        using (var database = SqliteRecordStore.OpenFollower(SqliteRecordStore.FileIn(_directory.Path)))
            Assert.Equal(count, database.Ids(Collection).Count);
        for (long id = 0; id <= acknowledged; id++)
        {
            var expected = CrashRecords.Make(id, Dimension);
            var got = await store.GetAsync(Collection, id, ct);
            Assert.NotNull(got);
            Assert.Equal(expected.Vector, got.Vector);
            Assert.Equal(expected.Path, got.Path);
        }
        // The index (HNSW after the threshold, restored from a snapshot plus replay or rebuilt) finds them too.
        for (long id = 0; id <= acknowledged; id += 97)
        {
            var hits = (await store.SearchAsync(Collection, [CrashRecords.Make(id, Dimension).Vector], 1, null, ct))[0];
            Assert.Equal(id, hits[0].Id);
        }
    }

    [Fact]
    public async Task AWriterInAnotherProcessHoldsTheFolderIsFollowedWithinASecondAndFreesItWhenKilled()
    {
        var ct = TestContext.Current.CancellationToken;
        using var child = CrashWriterProcess.Start(_directory.Path, Collection, Dimension);
        await child.WaitForAcknowledgedAsync(100, ct);

        var refused = Assert.Throws<StoreUnavailableException>(() => new EmbeddedVectorStore(new EmbeddedStoreOptions { Path = _directory.Path }));
        Assert.Contains(_directory.Path, refused.Message);
        Assert.Contains("another process", refused.Message);

        using (var follower = new EmbeddedVectorStore(new EmbeddedStoreOptions
               {
                   Path = _directory.Path, Role = EmbeddedStoreRole.Follower, HnswThreshold = 500, // the child's: its snapshots are read too
               }))
        {
            var acknowledged = await child.WaitForAcknowledgedAsync(child.Acknowledged + 1_000, ct);
            await Eventually.HoldsAsync(async () => await follower.CountAsync(Collection, ct) > acknowledged,
                $"the follower has the child's row {acknowledged}", seconds: 1.5);
            var hits = (await follower.SearchAsync(Collection, [CrashRecords.Make(acknowledged, Dimension).Vector], 1, null, ct))[0];
            Assert.Equal(acknowledged, hits[0].Id);
        }

        var last = await child.KillAsync(ct);
        using var writer = new EmbeddedVectorStore(new EmbeddedStoreOptions { Path = _directory.Path, HnswThreshold = 500 });
        Assert.InRange(await writer.CountAsync(Collection, ct), last + 1, last + 1 + 10);
    }

    /// <summary>Returns the highest id whose upsert had returned when the child died.</summary>
    private async Task<long> RunWriterAndKillAsync(int minimumAcknowledged, CancellationToken ct)
    {
        using var writer = CrashWriterProcess.Start(_directory.Path, Collection, Dimension);
        // Kill at a moment that depends on timing rather than on a fixed count, so runs hit different phases.
        await writer.WaitForAcknowledgedAsync(minimumAcknowledged + Random.Shared.Next(0, 500), ct);
        return await writer.KillAsync(ct);
    }

    public void Dispose() => _directory.Dispose();
}
