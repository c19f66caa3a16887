using ImageSearch.Contracts;
using MassTransit;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>
/// The whole pipeline over a real RabbitMQ node: the ingestor CLI publishes, embedder worker processes run the real
/// ResNet18, and the indexer writes into the real embedded store and the dead-letter journal.
/// </summary>
public sealed class PipelineEndToEndTests(RabbitMqFixture rabbit)
{
    private const int Photos = 100;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PhotosAreStoredOnceAndEveryBadFileIsDeadLetteredWithItsReason()
    {
        var broker = rabbit.NewBroker();
        var photos = SharedData.ImageNet100Files;
        using var folder = new TempFolder();
        var bad = new BadFiles(folder.Path, photos[0]);
        await using var indexer = await PipelineHost.StartIndexerAsync(folder.Path, broker.Settings, Cancel);
        await using var embedder = await Embedders.StartAsync(broker, Settings(bad.Folder), folder.Path);

        Assert.Equal(0, (await IngestorProcess.RunAsync(broker.Settings, "publish", SharedData.ImageNet100)).ExitCode);
        // The bad files in groups (embed-image-group), the photos one message each (embed-image): each image answered alone either way.
        var (csv, expected) = bad.WriteCsv(Path.Combine(folder.Path, "bad.csv"));
        Assert.Equal(0, (await IngestorProcess.RunAsync(broker.Settings, "publish", csv, "--group", "4")).ExitCode);
        // From a producer other than the ingestor, which never sends these.
        await indexer.Bus.PublishBatch([new EmbedImage(9101, ""), new EmbedImage(9102, "photos/relative.jpg")], Cancel);
        await indexer.Bus.Publish(new EmbedImageGroup([new EmbedImage(9103, photos[1]), new EmbedImage(9104, "")]), Cancel);
        expected[9101] = expected[9102] = expected[9104] = DeadLetterReason.InvalidMessage;
        await PipelineState.SettledAsync(broker, indexer, Photos + 1, expected.Count, [embedder]);

        Assert.Equal(Photos + 1, await indexer.CountAsync(cancellationToken: Cancel));
        Assert.Equal(photos[1], (await indexer.Store.GetAsync(PipelineHost.DefaultCollection, 9103, Cancel))!.Path);
        var stored = await indexer.Store.GetAsync(PipelineHost.DefaultCollection, ImageIds.FromPath(photos[0]), Cancel);
        Assert.Equal((photos[0], 512), (stored!.Path, stored.Vector.Length));
        var letters = await indexer.DeadLettersAsync(Cancel);
        Assert.Equal(expected.OrderBy(e => e.Key), letters.Select(l => KeyValuePair.Create(l.ImageId, l.Reason)).OrderBy(e => e.Key));
        Assert.All(letters, l => Assert.Equal((PipelineStage.Embed, 1), (l.Stage, l.Attempts)));
        Assert.Equal("bad", letters.Single(l => l.ImageId == 9001).Label);
        Assert.Null(await broker.CountAsync(QueueNames.EmbedImage + "_error", Cancel));
        Assert.Null(await broker.CountAsync(QueueNames.EmbedImageGroup + "_error", Cancel));
        Assert.Equal(Photos + 1, await embedder.MetricAsync(Embedders.ImagesEmbedded));
        foreach (var reason in expected.Values.Distinct())
            Assert.Equal(expected.Values.Count(r => r == reason), await embedder.MetricAsync($"imagesearch_embedder_dead_letters_total{{reason=\"{reason}\"}}"));

        // The same photos again, in groups: embedded again, stored once.
        Assert.Equal(0, (await IngestorProcess.RunAsync(broker.Settings, "publish", SharedData.ImageNet100, "--group", "32")).ExitCode);
        await PipelineState.SettledAsync(broker, indexer, Photos + 1, expected.Count, [embedder],
            also: async () => await embedder.MetricAsync(Embedders.ImagesEmbedded) >= 2 * Photos + 1);

        Assert.Equal(Photos + 1, await indexer.CountAsync(cancellationToken: Cancel));
        Assert.Equal(2 * Photos + 1, await embedder.MetricAsync(Embedders.ImagesEmbedded));
        Assert.Equal(expected.Count, (await indexer.DeadLettersAsync(Cancel)).Count);
    }

    [Fact]
    public async Task TwoEmbedderProcessesShareTheWorkAndTheCountStaysExact()
    {
        var broker = rabbit.NewBroker();
        var photos = SharedData.ImageNet100Files;
        using var folder = new TempFolder();
        await using var indexer = await PipelineHost.StartIndexerAsync(folder.Path, broker.Settings, Cancel);
        var started = await Task.WhenAll(
            Embedders.StartAsync(broker, Settings()), // from its project folder, as `dotnet run` starts it
            Embedders.StartAsync(broker, Settings(), folder.Path));
        await using var first = started[0];
        await using var second = started[1];

        Assert.Equal(0, (await IngestorProcess.RunAsync(broker.Settings, "publish", SharedData.ImageNet100)).ExitCode);
        await PipelineState.SettledAsync(broker, indexer, Photos, 0, started);

        Assert.Equal(Photos, await indexer.CountAsync(cancellationToken: Cancel));
        Assert.Empty(await indexer.DeadLettersAsync(Cancel));
        var shares = new[] { await first.MetricAsync(Embedders.ImagesEmbedded), await second.MetricAsync(Embedders.ImagesEmbedded) };
        Assert.All(shares, share => Assert.True(share > 0, $"each embedder must take work; shares were {string.Join(" and ", shares)}"));
        Assert.Equal(Photos, shares.Sum());
        Assert.Equal(photos.Select(ImageIds.FromPath).Order(),
            (await Task.WhenAll(photos.Select(p => indexer.Store.GetAsync(PipelineHost.DefaultCollection, ImageIds.FromPath(p), Cancel))))
                .Select(r => r!.Id).Order());
    }

    /// <summary>Small time limits so that the last partial batches go through at once; allowed roots when given.</summary>
    private static Dictionary<string, string?> Settings(string? allowedRoot = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Embedder:TimeLimit"] = "00:00:00.2",
            ["Serilog:MinimumLevel:Default"] = "Information",
        };
        if (allowedRoot is not null)
        {
            settings["Embedding:AllowedRoots:0"] = SharedData.ImageNet100;
            settings["Embedding:AllowedRoots:1"] = allowedRoot;
        }
        return settings;
    }
}
