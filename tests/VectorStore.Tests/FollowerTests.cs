using ImageSearch.VectorStore.Embedded;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// One writer per store folder, and read-only followers that keep up with it: two store instances in this process on
/// one folder stand in for two processes (CrossProcessWriterLockTests does it with a real second process).
/// </summary>
public sealed class FollowerTests : IDisposable
{
    private const string Name = "images";
    private const int Dimension = 24;
    private const double WithinSeconds = 2;
    private readonly TempFolder _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CollectionSpec Spec(string name = Name, int dimension = Dimension) => new(name, dimension, "m");

    /// <summary><paramref name="followEvery"/>: a follower's round; a long one leaves rounds to EnsureCollectionAsync alone.</summary>
    private EmbeddedStoreOptions Options(EmbeddedStoreRole role = EmbeddedStoreRole.Writer, TimeSpan? followEvery = null) => new()
    {
        Path = _directory.Path, Role = role, HnswThreshold = 200, SnapshotEveryChanges = 1,
        FollowInterval = followEvery ?? new EmbeddedStoreOptions().FollowInterval,
    };

    [Fact]
    public async Task AFollowerSeesTheWritersUpsertsDeletesAndCollectionsWithinTwoSeconds()
    {
        using var writer = new EmbeddedVectorStore(Options());
        await writer.EnsureCollectionAsync(Spec(), Ct);
        var records = Data.Records(0, 400, dimension: Dimension);
        await writer.UpsertAsync(Name, records[..100], Ct);
        using var follower = new EmbeddedVectorStore(Options(EmbeddedStoreRole.Follower));
        Assert.Equal(100, await follower.CountAsync(Name, Ct)); // loaded at start

        await writer.UpsertAsync(Name, records[100..], Ct); // crosses the HNSW threshold on both sides
        await Eventually.HoldsAsync(async () => await follower.CountAsync(Name, Ct) == 400, "the follower has the upsert", WithinSeconds);
        var hits = await follower.SearchAsync(Name, records.Select(r => r.Vector).ToArray(), 10, null, Ct);
        Assert.All(records.Zip(hits), p => Assert.Contains(p.Second, h => h.Id == p.First.Id));

        var replaced = Data.Record(7, seed: 9_999, dimension: Dimension);
        await writer.UpsertAsync(Name, [replaced], Ct);
        await writer.DeleteAsync(Name, [5, 6], Ct);
        await Eventually.HoldsAsync(async () => await follower.GetAsync(Name, 5, Ct) is null, "the follower has the delete", WithinSeconds);
        Assert.Equal(398, await follower.CountAsync(Name, Ct));
        await Eventually.HoldsAsync(async () => (await follower.GetAsync(Name, 7, Ct))!.Vector.SequenceEqual(replaced.Vector),
            "the follower has the replaced vector", WithinSeconds);

        await writer.EnsureCollectionAsync(Spec("other"), Ct);
        await writer.UpsertAsync("other", Data.Records(0, 3, dimension: Dimension), Ct);
        await Eventually.HoldsAsync(async () => (await follower.DescribeAsync("other", Ct))?.Count == 3, "the follower has the new collection", WithinSeconds);

        await writer.DropCollectionAsync("other", Ct);
        await Eventually.HoldsAsync(async () => await follower.DescribeAsync("other", Ct) is null, "the follower has the drop", WithinSeconds);
    }

    [Fact]
    public async Task AFollowerChecksCollectionsAgainstTheWritersAndNeverCreatesOne()
    {
        using var writer = new EmbeddedVectorStore(Options());
        using var follower = new EmbeddedVectorStore(Options(EmbeddedStoreRole.Follower, followEvery: TimeSpan.FromMinutes(1)));
        await writer.EnsureCollectionAsync(Spec(), Ct);

        await follower.EnsureCollectionAsync(Spec(), Ct); // reads the writer's afresh: no wait for a round, no duplicate row
        await Assert.ThrowsAsync<CollectionMismatchException>(() => follower.EnsureCollectionAsync(Spec(dimension: 16), Ct));
        var missing = await Assert.ThrowsAsync<StoreUnavailableException>(() => follower.EnsureCollectionAsync(Spec("later"), Ct));
        Assert.Contains("does not exist yet", missing.Message);
        Assert.Null(await writer.DescribeAsync("later", Ct));
    }

    [Fact]
    public async Task AFollowerOfAStoppedWriterReadsItAndRefusesWrites()
    {
        using (var writer = new EmbeddedVectorStore(Options()))
            await writer.EnsureCollectionAsync(Spec(), Ct);
        using var follower = new EmbeddedVectorStore(Options(EmbeddedStoreRole.Follower));
        Assert.NotNull(await follower.DescribeAsync(Name, Ct)); // read-only, with the writer gone (no -wal, no -shm)

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => follower.UpsertAsync(Name, Data.Records(0, 1, dimension: Dimension), Ct));
        Assert.Contains("Role=Follower", error.Message);
        await Assert.ThrowsAsync<NotSupportedException>(() => follower.DeleteAsync(Name, [1], Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() => follower.DropCollectionAsync(Name, Ct));
    }

    [Fact]
    public async Task ASecondWriterIsRefusedUntilTheFirstIsDisposed()
    {
        var first = new EmbeddedVectorStore(Options());

        var error = Assert.Throws<StoreUnavailableException>(() => new EmbeddedVectorStore(Options()));

        Assert.Contains(_directory.Path, error.Message);
        Assert.Contains("another process", error.Message);
        first.Dispose();
        using var second = new EmbeddedVectorStore(Options());
        await second.EnsureCollectionAsync(Spec(), Ct);
    }

    [Fact]
    public async Task AFollowerStartedBeforeTheWriterPicksUpTheStoreOnceItExists()
    {
        using var follower = new EmbeddedVectorStore(Options(EmbeddedStoreRole.Follower));
        Assert.Null(await follower.DescribeAsync(Name, Ct));

        using var writer = new EmbeddedVectorStore(Options());
        await writer.EnsureCollectionAsync(Spec(), Ct);
        await writer.UpsertAsync(Name, Data.Records(0, 10, dimension: Dimension), Ct);

        await Eventually.HoldsAsync(async () => (await follower.DescribeAsync(Name, Ct))?.Count == 10, "the follower found the new store", WithinSeconds);
    }

    [Fact]
    public async Task ACollectionDroppedAndCreatedAgainWithOtherSettingsIsReloaded()
    {
        using var writer = new EmbeddedVectorStore(Options());
        await writer.EnsureCollectionAsync(Spec(), Ct);
        await writer.UpsertAsync(Name, Data.Records(0, 300, dimension: Dimension), Ct);
        using var follower = new EmbeddedVectorStore(Options(EmbeddedStoreRole.Follower));

        await writer.DropCollectionAsync(Name, Ct);
        await writer.EnsureCollectionAsync(Spec(dimension: 16), Ct);
        await writer.UpsertAsync(Name, Data.Records(0, 5, dimension: 16), Ct);

        await Eventually.HoldsAsync(async () => (await follower.DescribeAsync(Name, Ct))?.Count == 5, "the follower reloaded the collection", WithinSeconds);
        Assert.Equal(16, (await follower.DescribeAsync(Name, Ct))!.Spec.Dimension);
        Assert.Equal(4, (await follower.SearchAsync(Name, [Data.Vector(4, 16)], 1, null, Ct))[0][0].Id);
    }

    [Fact]
    public async Task AFollowerBehindDeletionsTheWriterForgotStillRemovesThoseRows()
    {
        using var writer = new EmbeddedVectorStore(Options());
        await writer.EnsureCollectionAsync(Spec(), Ct);
        await writer.UpsertAsync(Name, Data.Records(0, 300, dimension: Dimension), Ct);
        using var follower = new EmbeddedVectorStore(Options(EmbeddedStoreRole.Follower, followEvery: TimeSpan.FromMinutes(1)));

        await writer.DeleteAsync(Name, [1, 2], Ct);
        // The builder's next snapshot (SnapshotEveryChanges = 1) holds them, after which the writer forgets the deletions.
        await writer.UpsertAsync(Name, Data.Records(300, 10, dimension: Dimension), Ct);
        await Eventually.HoldsAsync(() =>
        {
            using var database = SqliteRecordStore.OpenFollower(SqliteRecordStore.FileIn(_directory.Path));
            return database.Collections().Single().DeletionsKeptAfter > 0;
        }, "the writer forgot the deletions after a snapshot", WithinSeconds);
        await follower.EnsureCollectionAsync(Spec(), Ct); // one round now

        Assert.Equal(308, await follower.CountAsync(Name, Ct));
        Assert.Null(await follower.GetAsync(Name, 1, Ct));
        Assert.NotNull(await follower.GetAsync(Name, 305, Ct));
    }

    [Fact]
    public async Task AStoreFileFromBeforeFollowersIsMigratedByTheWriter()
    {
        using (var old = new SqliteConnection($"Data Source={SqliteRecordStore.FileIn(_directory.Path)};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE collections(name TEXT PRIMARY KEY, dimension INTEGER NOT NULL, metric TEXT NOT NULL, model TEXT NOT NULL,
                    hnsw_m INTEGER NOT NULL, hnsw_ef_construction INTEGER NOT NULL, hnsw_quantization TEXT NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE records(collection TEXT NOT NULL, id INTEGER NOT NULL, seq INTEGER NOT NULL,
                    path TEXT NOT NULL, label TEXT, vector BLOB NOT NULL, PRIMARY KEY(collection, id));
                CREATE TABLE deletions(collection TEXT NOT NULL, id INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(collection, id));
                INSERT INTO collections VALUES('images', 2, 'L2', 'm', 32, 128, 'I8', 1);
                INSERT INTO records VALUES('images', 42, 1, '/a.jpg', NULL, x'0000803F00000000');
                """;
            create.ExecuteNonQuery();
        }

        using var writer = new EmbeddedVectorStore(Options());
        using var follower = new EmbeddedVectorStore(Options(EmbeddedStoreRole.Follower));
        await writer.UpsertAsync(Name, [new VectorRecord(43, [0, 1], "/b.jpg", null)], Ct);

        var migrated = await writer.GetAsync(Name, 42, Ct);
        Assert.Equal([1f, 0f], migrated!.Vector);
        await Eventually.HoldsAsync(async () => await follower.CountAsync(Name, Ct) == 2, "the follower has both rows", WithinSeconds);
    }

    public void Dispose() => _directory.Dispose();
}
