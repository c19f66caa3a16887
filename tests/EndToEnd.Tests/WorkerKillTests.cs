using ImageSearch.Contracts;
using ImageSearch.DeadLetters.ErrorQueues;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>
/// Workers killed with SIGKILL while they hold deliveries (no shutdown code runs), then started again: first an embedder
/// in the middle of its batches, then an indexer collecting a batch. The broker hands their unacknowledged messages to
/// the new process, the store upserts by id, so the count is exact, and the kill makes no dead letter.
/// </summary>
public sealed class WorkerKillTests(RabbitMqFixture rabbit)
{
    private const int Images = 200;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Batches of 16, so that the embedder is killed after its first ones are stored, well before it has embedded all.
    private static readonly Dictionary<string, string?> EmbedderSettings = new() { ["Embedder:MessageLimit"] = "16" };

    // An indexer whose batch neither fills nor times out before it is killed: it holds every vector it is given. Killing
    // an ordinary one "while it holds deliveries" raced the pipeline: on a fast machine everything could be stored first.
    private static readonly Dictionary<string, string?> CollectingIndexerSettings = new() { ["Indexer:MessageLimit"] = "1000", ["Indexer:TimeLimit"] = "00:10:00" };

    [Fact]
    public async Task KilledEmbedderAndKilledIndexerAreReplacedAndTheCountIsExact()
    {
        var broker = rabbit.NewBroker();
        var photos = Directory.EnumerateFiles(SharedData.ImageNet1k).Order(StringComparer.Ordinal).Take(Images).ToList();
        using var folder = new TempFolder();
        var services = new ServiceProcesses(broker.Settings, folder.Path);
        var indexer = await services.StartIndexerAsync(Cancel);
        var embedder = await services.StartEmbedderAsync(Cancel, EmbedderSettings);
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

            // The indexer is replaced by a collecting one before the new embedder starts, so that whatever is left
            // (at least what the killed embedder held) ends up held by the indexer that is killed next.
            await indexer.DisposeAsync();
            indexer = await services.StartIndexerAsync(Cancel, CollectingIndexerSettings);
            embedder = await services.StartEmbedderAsync(Cancel, EmbedderSettings);
            await Eventually.HoldsAsync(async () =>
            {
                var depths = await broker.DepthsAsync(Cancel);
                (var waiting, held) = depths[QueueNames.IndexImage];
                return depths[QueueNames.EmbedImage] == (0, 0) && waiting == 0 && held > 0;
            }, "every image left is embedded and held by the indexer", seconds: 120);
            await indexer.KillAsync();
            var stored = await follower.CountAsync();
            TestContext.Current.SendDiagnosticMessage($"indexer killed holding {held} deliveries, {stored} stored");
            Assert.True(held >= Images - stored, $"the indexer held {held} vectors, fewer than the {Images - stored} images not stored");
            await indexer.DisposeAsync();
            indexer = await services.StartIndexerAsync(Cancel);

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
