using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using ImageSearch.Pipeline.Embedder;
using ImageSearch.ServiceDefaults;

namespace ImageSearch.Pipeline.Tests.Embedder;

/// <summary>Quorum queues' delivery limit on a real node: a message that keeps coming back unacknowledged ends in the journal.</summary>
public sealed class DeliveryLimitTests(RabbitMqFixture rabbit)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PastTheDeliveryLimitAnImageOrEachImageOfAGroupBecomesADeadLetterAndTheEmbedderDeclaresTheSameQueues()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var settings = broker.Settings.Concat(new Dictionary<string, string?>
        {
            ["Bus:QuorumQueues"] = "true",
            ["Bus:DeliveryLimit"] = "2",
            ["DeadLetters:Path"] = Path.Combine(folder.Path, "dead-letters.db"),
            ["Embedder:CrashTrackingPath"] = Path.Combine(folder.Path, "crashes"),
        }).ToList();
        // The delivery-limit queue's consumer (no model needed) and the recorder; publishing declares embed-image.
        await using var recorder = await PipelineHost.StartAsync(folder.Path, settings, builder =>
        {
            builder.AddDeadLetterJournal();
            builder.AddMessageBus(bus => bus.AddDeliveryLimitConsumer().AddDeadLetterRecorder());
        }, Cancel);
        await recorder.Bus.Publish(new EmbedImage(42, "/photos/kills-every-embedder.jpg", "poison"), Cancel);

        var deliveries = await broker.RequeueUntilGoneAsync(QueueNames.EmbedImage, 10, Cancel);

        Assert.Equal(3, deliveries); // returned more than twice: the third return moved it to the dead-letter exchange
        await Eventually.HoldsAsync(async () => (await recorder.DeadLettersAsync(Cancel)).Count > 0, "the dead letter is recorded");
        var letter = Assert.Single(await recorder.DeadLettersAsync(Cancel));
        Assert.Equal((42L, "poison", DeadLetterReason.DecoderCrashed), (letter.ImageId, letter.Label, letter.Reason));
        Assert.StartsWith("delivery limit reached", letter.Message);

        // A group past the limit: one dead letter per image.
        await recorder.Bus.Publish(new EmbedImageGroup([new EmbedImage(44, "/photos/a.jpg"), new EmbedImage(45, "/photos/b.jpg")]), Cancel);
        Assert.Equal(3, await broker.RequeueUntilGoneAsync(QueueNames.EmbedImageGroup, 10, Cancel));
        await Eventually.HoldsAsync(async () => (await recorder.DeadLettersAsync(Cancel)).Count == 3, "a dead letter for each image of the group");
        Assert.All((await recorder.DeadLettersAsync(Cancel)).Where(l => l.ImageId is 44 or 45), l =>
            Assert.Equal((DeadLetterReason.DecoderCrashed, true), (l.Reason, l.Message.Contains("in a group of 2"))));

        // The embedder as its Program composes it declares both embed queues with the very same arguments (RabbitMQ would
        // refuse the declaration otherwise), and its messages go through as usual.
        await using var embedder = await PipelineHost.StartAsync(folder.Path, settings, builder => builder.AddEmbedder(), Cancel);
        await recorder.Bus.Publish(new EmbedImage(43, Path.Combine(folder.Path, "missing.jpg")), Cancel);
        await recorder.Bus.Publish(new EmbedImageGroup([new EmbedImage(46, Path.Combine(folder.Path, "missing-too.jpg"))]), Cancel);
        await Eventually.HoldsAsync(async () => (await recorder.DeadLettersAsync(Cancel)).Count == 5, "the last two dead letters are recorded", seconds: 60);
        Assert.All((await recorder.DeadLettersAsync(Cancel)).Where(l => l.ImageId is 43 or 46), l => Assert.Equal(DeadLetterReason.FileMissing, l.Reason));
        Assert.Equal((0, 0), await broker.DepthAsync(QueueNames.EmbedImageDeliveryLimit, Cancel));
    }
}
