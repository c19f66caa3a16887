using ImageSearch.Contracts;
using ImageSearch.Pipeline.Embedder;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.Pipeline.Tests.Embedder;

/// <summary>
/// Backpressure: an embedder pauses its queues (single images and groups) while the index queues (single vectors and
/// groups) hold more than <c>Embedder:MaxIndexBacklog</c>, leaving its work in the broker, and resumes once the backlog is down to half.
/// </summary>
public sealed class IndexBacklogGateTests(RabbitMqFixture rabbit)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false, 99, 100, false)]
    [InlineData(false, 100, 100, true)]
    [InlineData(true, 51, 100, true)] // paused, not yet down to half
    [InlineData(true, 50, 100, false)]
    [InlineData(false, 1_000_000, 0, false)] // 0 turns it off
    public void PausesAtTheBoundAndResumesAtHalf(bool paused, long backlog, int max, bool expected) =>
        Assert.Equal(expected, IndexBacklogGate.ShouldPause(paused, backlog, max));

    [Fact]
    public async Task TheEmbedderLeavesItsQueueAloneWhileTheIndexQueueIsTooDeep()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        await using var publisher = await TestHosts.StartPublisherAsync(broker, Path.Combine(folder.Path, "j.db"));
        // 3 single vectors and a group: below the bound alone, above it with the group counted as a batch (MessageLimit 7).
        var vectors = Enumerable.Range(1, 10).Select(i => new ImageEmbedded(i, $"/v/{i}.jpg", null, null, "m", [1f, 2f])).ToList();
        foreach (var vector in vectors.Take(3))
            await publisher.Bus.Publish(vector, Cancel);
        await publisher.Bus.Publish(new ImageEmbeddedGroup(vectors[3..]), Cancel);

        var settings = new Dictionary<string, string?>(broker.Settings)
        {
            ["Embedder:MaxIndexBacklog"] = "8",
            ["Embedder:MessageLimit"] = "7",
            ["Embedder:BacklogCheckInterval"] = "00:00:00.1",
            ["Embedder:TimeLimit"] = "00:00:00.05",
        };
        await using var embedder = await PipelineHost.StartAsync(Path.Combine(folder.Path, "embedder"), settings, builder => builder.AddEmbedder(), Cancel);
        var gate = embedder.Services.GetRequiredService<IndexBacklogGate>();
        await Eventually.HoldsAsync(() => gate.Endpoint.IsPaused && gate.GroupEndpoint.IsPaused, "the embedder pauses embed-image and embed-image-group");

        // Files that do not exist: each is dead-lettered at once once the embedder takes it, without running the model.
        foreach (var i in Enumerable.Range(1, 3))
            await publisher.Bus.Publish(new EmbedImage(100 + i, $"/missing/{i}.jpg"), Cancel);
        await publisher.Bus.Publish(new EmbedImageGroup([new EmbedImage(201, "/missing/201.jpg"), new EmbedImage(202, "/missing/202.jpg")]), Cancel);
        await Task.Delay(TimeSpan.FromSeconds(1), Cancel); // ten checks of the gate: it stays paused, the work stays queued
        Assert.Equal((3L, 0L), await broker.DepthAsync(QueueNames.EmbedImage, Cancel));
        Assert.Equal((1L, 0L), await broker.DepthAsync(QueueNames.EmbedImageGroup, Cancel));

        Assert.Equal(3, (await broker.DrainBodiesAsync(QueueNames.IndexImage, Cancel)).Count);
        Assert.Single(await broker.DrainBodiesAsync(QueueNames.IndexImageGroup, Cancel));
        await Eventually.HoldsAsync(() => !gate.Endpoint.IsPaused && !gate.GroupEndpoint.IsPaused, "the embedder resumes both");
        await Eventually.HoldsAsync(async () => await broker.CountAsync(QueueNames.DeadLetters, Cancel) == 5, "the 5 images are taken and dead-lettered");
        Assert.Equal((0L, 0L), await broker.DepthAsync(QueueNames.EmbedImage, Cancel));
        Assert.Equal((0L, 0L), await broker.DepthAsync(QueueNames.EmbedImageGroup, Cancel));
    }
}
