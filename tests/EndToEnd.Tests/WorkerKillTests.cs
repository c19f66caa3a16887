using ImageSearch.Contracts;
using ImageSearch.DeadLetters.ErrorQueues;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>
/// Workers killed with SIGKILL while they hold deliveries (no shutdown code runs), then started again: first an embedder
/// in the middle of its batches, then the indexer while it collects one. The broker hands their unacknowledged messages
/// to the new process, the store upserts by id, so the count is exact, and the kill makes no dead letter.
/// </summary>
public sealed class WorkerKillTests(RabbitMqFixture rabbit)
{
    private const int Images = 200;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KilledEmbedderAndKilledIndexerAreReplacedAndTheCountIsExact()
    {
        var broker = rabbit.NewBroker();
        var photos = Directory.EnumerateFiles(SharedData.ImageNet1k).Order(StringComparer.Ordinal).Take(Images).ToList();
        using var folder = new TempFolder();
        var services = new ServiceProcesses(broker.Settings, folder.Path);
        // Batches of 16 in both stages, and an indexer that waits up to 2 s to fill one: each holds deliveries most of the time.
        var embedderSettings = new Dictionary<string, string?> { ["Embedder:MessageLimit"] = "16" };
        var indexerSettings = new Dictionary<string, string?> { ["Indexer:MessageLimit"] = "64", ["Indexer:TimeLimit"] = "00:00:02" };
        var indexer = await services.StartIndexerAsync(Cancel, indexerSettings);
        var embedder = await services.StartEmbedderAsync(Cancel, embedderSettings);
        using var follower = services.OpenFollower();
        try
        {
            var csv = Path.Combine(folder.Path, "images.csv");
            await File.WriteAllLinesAsync(csv, ["id,path,label", .. FollowedStore.CsvLines(photos)], Cancel);
            Assert.Equal(0, (await IngestorProcess.RunAsync(broker.Settings, ["publish", csv], folder.Path)).ExitCode);

            await Eventually.HoldsAsync(async () => await follower.CountAsync() > 0, "the first images are stored", seconds: 120);
            var held = await KillHoldingAsync(broker, QueueNames.EmbedImage, embedder);
            TestContext.Current.SendDiagnosticMessage($"embedder killed holding {held} deliveries, {await follower.CountAsync()} stored");
            await embedder.DisposeAsync();
            embedder = await services.StartEmbedderAsync(Cancel, embedderSettings);

            var stored = await follower.CountAsync();
            await Eventually.HoldsAsync(async () => await follower.CountAsync() > stored, "the new embedder's images are stored", seconds: 120);
            held = await KillHoldingAsync(broker, QueueNames.IndexImage, indexer);
            TestContext.Current.SendDiagnosticMessage($"indexer killed holding {held} deliveries, {await follower.CountAsync()} stored");
            await indexer.DisposeAsync();
            indexer = await services.StartIndexerAsync(Cancel, indexerSettings);

            await follower.SettledAsync(broker, Images, [indexer, embedder]);
            Assert.Equal(Images, await follower.CountAsync());
            Assert.Empty(await services.Journal().ListAsync(null, 0, 100, Cancel, includeReplayed: true));
            foreach (var queue in ErrorQueue.All)
                Assert.True((await broker.CountAsync(queue.Name, Cancel) ?? 0) == 0, $"{queue.Name} holds messages");
        }
        finally
        {
            await embedder.DisposeAsync();
            await indexer.DisposeAsync();
        }
    }

    /// <summary>
    /// Kills <paramref name="worker"/> with SIGKILL at the first look at <paramref name="queue"/> that finds deliveries
    /// unacknowledged (it is in the middle of a batch); returns how many there were.
    /// </summary>
    private static async Task<long> KillHoldingAsync(Broker broker, string queue, WorkerProcess worker)
    {
        long held = 0;
        await Eventually.HoldsAsync(async () => (held = (await broker.DepthAsync(queue, Cancel)).Unacknowledged) > 0,
            $"{queue} has deliveries in progress", seconds: 120);
        await worker.KillAsync();
        return held;
    }
}
