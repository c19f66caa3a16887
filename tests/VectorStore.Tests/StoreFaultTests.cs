using ImageSearch.VectorStore.Embedded;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// Real faults under the embedded store: its database on a filesystem that is full, and locked by another connection.
/// Each must reach the caller as <see cref="StoreUnavailableException"/> (the indexer retries it instead of dead-lettering
/// the batch), leave the in-memory index and SQLite agreeing on the rows, and the same upsert must succeed once the fault is gone.
/// </summary>
public sealed class StoreFaultTests : IDisposable
{
    private const string Name = "images";
    private const int Dimension = 24;
    private readonly TempFolder _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUpsertOnAFullDiskIsAnOutageAndTheSameUpsertSucceedsOnceThereIsRoom()
    {
        using var disk = SmallFilesystem.Mount("2m");
        // Exact search (no graph): what is checked is which rows the index holds, not HNSW recall.
        var options = new EmbeddedStoreOptions { Path = Path.Combine(disk.Path, "store"), HnswThreshold = 100_000 };
        var stored = Data.Records(0, 50, dimension: Dimension);
        // Larger than anything the WAL has held, so SQLite must grow its files to commit it.
        var batch = Data.Records(50, 2_000, dimension: Dimension);
        using (var store = await OpenAsync(options))
        {
            await store.UpsertAsync(Name, stored, Ct);
            var filler = Path.Combine(disk.Path, "filler");
            SmallFilesystem.Fill(filler);

            var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.UpsertAsync(Name, batch, Ct));

            Assert.Contains("disk full", error.Message);
            Assert.Equal(SQLitePCL.raw.SQLITE_FULL, Assert.IsType<SqliteException>(error.InnerException).SqliteErrorCode);
            await AssertHoldsExactlyAsync(store, options, stored, missing: batch[0]);

            File.Delete(filler);
            await store.UpsertAsync(Name, batch, Ct);

            await AssertHoldsExactlyAsync(store, options, [.. stored, .. batch], missing: null);
        }
        using var reopened = await OpenAsync(options);
        Assert.Equal(2_050, await reopened.CountAsync(Name, Ct));
    }

    [Fact]
    public async Task AnUpsertBlockedByAnotherConnectionsLockIsAnOutageAndTheSameUpsertSucceedsOnceItIsReleased()
    {
        var options = new EmbeddedStoreOptions { Path = _directory.Path };
        var stored = Data.Records(0, 10, dimension: Dimension);
        var batch = Data.Records(10, 100, dimension: Dimension);
        using var store = await OpenAsync(options);
        await store.UpsertAsync(Name, stored, Ct);

        using (var other = new SqliteConnection($"Data Source={SqliteRecordStore.FileIn(_directory.Path)};Pooling=False"))
        {
            other.Open();
            using var exclusive = other.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE;"; // held past the store's busy timeout (5 s), e.g. an operator's sqlite3 shell
            exclusive.ExecuteNonQuery();

            var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.UpsertAsync(Name, batch, Ct));

            Assert.Contains("busy", error.Message);
            Assert.Equal(SQLitePCL.raw.SQLITE_BUSY, Assert.IsType<SqliteException>(error.InnerException).SqliteErrorCode);
            Assert.Equal(10, await store.CountAsync(Name, Ct));
            Assert.Null(await store.GetAsync(Name, batch[0].Id, Ct));
        } // closing the connection rolls its transaction back and releases the lock

        await store.UpsertAsync(Name, batch, Ct);

        await AssertHoldsExactlyAsync(store, options, [.. stored, .. batch], missing: null);
    }

    private static async Task<EmbeddedVectorStore> OpenAsync(EmbeddedStoreOptions options)
    {
        var store = new EmbeddedVectorStore(options);
        await store.EnsureCollectionAsync(new CollectionSpec(Name, Dimension, "m"), Ct);
        return store;
    }

    /// <summary>The index and SQLite (read through a second, read-only connection) hold exactly <paramref name="records"/>.</summary>
    private static async Task AssertHoldsExactlyAsync(EmbeddedVectorStore store, EmbeddedStoreOptions options, VectorRecord[] records, VectorRecord? missing)
    {
        Assert.Equal(records.Length, await store.CountAsync(Name, Ct));
        using (var database = SqliteRecordStore.OpenFollower(SqliteRecordStore.FileIn(options.Path)))
            Assert.Equal(records.Select(r => r.Id).Order(), database.Ids(Name).Order());
        if (missing is not null)
        {
            Assert.Null(await store.GetAsync(Name, missing.Id, Ct));
            Assert.DoesNotContain((await store.SearchAsync(Name, [missing.Vector], 1, null, Ct))[0], h => h.Id == missing.Id);
        }
        var hits = await store.SearchAsync(Name, records.Select(r => r.Vector).ToArray(), 10, null, Ct);
        Assert.All(records.Zip(hits), p => Assert.Contains(p.Second, h => h.Id == p.First.Id)); // HNSW: among the top 10
    }

    public void Dispose() => _directory.Dispose();
}
