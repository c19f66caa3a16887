using ImageSearch.Contracts;
using MassTransit;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>
/// An image that kills the embedder process while it is decoded, over a real RabbitMQ node with real embedder processes:
/// embedders are restarted as an orchestrator would, until the crashing image is dead-lettered and its neighbours are stored.
/// </summary>
public sealed class DecoderCrashTests(RabbitMqFixture rabbit)
{
    private const int Photos = 20;
    private const string Deadly = "deadly-";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnImageThatKillsTheDecoderIsDeadLetteredAndEveryNeighbourIsStored(bool grouped)
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var photos = SharedData.ImageNet100Files.Take(Photos).ToList();
        // A good photo under a name that the test-only switch aborts on, as a native decoder crash would.
        var deadly = Path.Combine(folder.Path, Deadly + Path.GetFileName(photos[0]));
        File.Copy(photos[0], deadly);
        await using var indexer = await PipelineHost.StartIndexerAsync(folder.Path, broker.Settings, Cancel);
        // Queued before any embedder starts, so that the first one takes them all in one delivery.
        var images = photos.Append(deadly).Select(p => new EmbedImage(ImageIds.FromPath(p), p)).ToList();
        if (grouped) // the deadly image in the middle of a group
            await indexer.Bus.PublishBatch([new EmbedImageGroup(images[..8]), new EmbedImageGroup([images[^1], .. images[8..^1]])], Cancel);
        else
            await indexer.Bus.PublishBatch(images, Cancel);
        var settings = new Dictionary<string, string?>
        {
            ["IMAGESEARCH_TEST_ABORT_ON"] = Deadly,
            ["Embedder:CrashTrackingPath"] = Path.Combine(folder.Path, "crashes"),
            ["Embedder:TimeLimit"] = "00:00:00.2",
        };

        var (deaths, logs) = await RestartUntilSettledAsync(broker, indexer, settings, folder.Path);

        // First death: a batch decoding many images at once, none to blame. Second: the redelivery, one image at a time,
        // behind the marker. The third process dead-letters the marked image and stores the others.
        Assert.True(deaths == 2, $"expected 2 deaths, saw {deaths}:\n{logs}");
        var letter = Assert.Single(await indexer.DeadLettersAsync(Cancel));
        Assert.Equal((ImageIds.FromPath(deadly), deadly, DeadLetterReason.DecoderCrashed, PipelineStage.Embed),
            (letter.ImageId, letter.Path, letter.Reason, letter.Stage));
        Assert.Contains("died while decoding", letter.Message);
        foreach (var photo in photos)
            Assert.NotNull(await indexer.Store.GetAsync(PipelineHost.DefaultCollection, ImageIds.FromPath(photo), Cancel));
        Assert.Equal(Photos, await indexer.CountAsync(cancellationToken: Cancel));
        Assert.Null(await broker.CountAsync(QueueNames.EmbedImage + "_error", Cancel));
        Assert.Null(await broker.CountAsync(QueueNames.EmbedImageGroup + "_error", Cancel));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder.Path, "crashes"), "decoding-*.json"));
    }

    /// <summary>
    /// Starts an embedder, and another whenever one dies (at most 4 in all), until every photo is stored, the deadly image
    /// is in the journal and the queues are idle. Returns how many died, and everything they logged for failure messages.
    /// </summary>
    private static async Task<(int Deaths, string Logs)> RestartUntilSettledAsync(
        Broker broker, PipelineHost indexer, Dictionary<string, string?> settings, string workingDirectory)
    {
        var deaths = 0;
        var logs = new System.Text.StringBuilder();
        for (var life = 1; life <= 4; life++)
        {
            WorkerProcess embedder;
            try
            {
                embedder = await Embedders.StartAsync(broker, settings, workingDirectory);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("exited", StringComparison.Ordinal))
            {
                deaths++; // died on its first batch before it was seen ready
                logs.AppendLine($"--- embedder {life} ---\n{e.Message}");
                continue;
            }
            await using (embedder)
            {
                var deadline = DateTime.UtcNow.AddSeconds(120);
                while (!embedder.HasExited && !await SettledAsync(broker, indexer))
                {
                    if (DateTime.UtcNow > deadline)
                        Assert.Fail($"embedder {life} neither died nor finished in 120 s:\n{logs}\n{embedder.OutputTail(4000)}");
                    await Task.Delay(200, Cancel);
                }
                logs.AppendLine($"--- embedder {life} ---\n{embedder.OutputTail(3000)}");
                if (!embedder.HasExited)
                    return (deaths, logs.ToString());
                deaths++;
            }
        }
        Assert.Fail($"still not settled after 4 embedders:\n{logs}");
        return default;
    }

    private static async Task<bool> SettledAsync(Broker broker, PipelineHost indexer) =>
        await indexer.CountAsync(cancellationToken: Cancel) >= Photos
        && (await indexer.DeadLettersAsync(Cancel)).Count >= 1
        && await broker.IdleAsync();
}
