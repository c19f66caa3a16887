using System.Diagnostics;
using ImageSearch.VectorStore.Embedded;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// kill -9 durability: a child process upserts in a loop and prints each batch once UpsertAsync returned; it is killed
/// with SIGKILL mid-stream; the reopened store must hold every acknowledged record, intact and findable.
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
        using (var database = new SqliteRecordStore(Path.Combine(_directory.Path, "store.db"), SqliteSynchronous.Normal))
            Assert.Equal(count, database.CountRecords(Collection));
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

    /// <summary>Returns the highest id whose upsert had returned when the child died.</summary>
    private async Task<long> RunWriterAndKillAsync(int minimumAcknowledged, CancellationToken ct)
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", [ServiceBuild.CrashWriter.Assembly, _directory.Path, Collection, Dimension.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        long last = -1;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(60));
            // Kill at a moment that depends on timing rather than on a fixed count, so runs hit different phases.
            var killAfter = minimumAcknowledged + Random.Shared.Next(0, 500);
            while (last < killAfter)
            {
                var line = await process.StandardOutput.ReadLineAsync(deadline.Token)
                    ?? throw new InvalidOperationException($"writer exited early: {await process.StandardError.ReadToEndAsync(ct)}");
                last = long.Parse(line.Split(' ')[2]);
            }
        }
        finally
        {
            process.Kill(); // SIGKILL on Linux: no finalisers, no snapshot on dispose, no SQLite checkpoint
            await process.WaitForExitAsync(ct);
        }
        // Lines the child printed before it died were acknowledged too; drain them.
        while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
            last = long.Parse(line.Split(' ')[2]);
        Assert.Equal(137, process.ExitCode);
        return last;
    }

    public void Dispose() => _directory.Dispose();
}
