using ImageSearch.Contracts;
using ImageSearch.Pipeline.Embedder;
using MassTransit;

namespace ImageSearch.Pipeline.Tests.Embedder;

/// <summary>
/// What the embedder (as its Program composes it, with the real model) publishes for a group of images and for single
/// images, read from the broker with no indexer running: the vectors of a group go out as one group, each dead letter alone.
/// </summary>
public sealed class GroupOutputTests(RabbitMqFixture rabbit)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheVectorsOfAGroupGoOutAsOneGroupAndSingleImagesAsSingleVectors()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var photos = SharedData.ImageNet100Files.Take(5).ToList();
        var settings = new Dictionary<string, string?>(broker.Settings)
        {
            ["DeadLetters:Path"] = Path.Combine(folder.Path, "j.db"),
            ["Embedder:CrashTrackingPath"] = Path.Combine(folder.Path, "crashes"),
        };
        await using var embedder = await PipelineHost.StartAsync(folder.Path, settings, builder => builder.AddEmbedder(), Cancel);

        await embedder.Bus.Publish(new EmbedImageGroup([
            new EmbedImage(1, photos[0], "a"), new EmbedImage(2, Path.Combine(folder.Path, "missing.jpg")),
            new EmbedImage(3, photos[1], Collection: "pets"), new EmbedImage(4, photos[2])]), Cancel);
        await embedder.Bus.PublishBatch([new EmbedImage(5, photos[3]), new EmbedImage(6, photos[4])], Cancel);
        await Eventually.HoldsAsync(async () => await broker.CountAsync(QueueNames.IndexImageGroup, Cancel) == 1
            && await broker.CountAsync(QueueNames.IndexImage, Cancel) == 2
            && await broker.CountAsync(QueueNames.DeadLetters, Cancel) == 1, "one group of vectors, two single vectors and one dead letter are queued", seconds: 60);

        var group = Assert.Single(await broker.DrainAsync<ImageEmbeddedGroup>(QueueNames.IndexImageGroup, Cancel));
        Assert.Equal([(1L, photos[0], "a", (string?)null), (3L, photos[1], null, "pets"), (4L, photos[2], null, null)],
            group.Images.Select(i => (i.ImageId, i.Path, i.Label, i.Collection)));
        Assert.All(group.Images, i => Assert.Equal(512, i.Vector.Length));
        Assert.Equal([5L, 6], (await broker.DrainAsync<ImageEmbedded>(QueueNames.IndexImage, Cancel)).Select(i => i.ImageId).Order());
        var letter = Assert.Single(await broker.DrainAsync<ImageDeadLettered>(QueueNames.DeadLetters, Cancel));
        Assert.Equal((2L, DeadLetterReason.FileMissing), (letter.ImageId, letter.Reason));
    }
}
