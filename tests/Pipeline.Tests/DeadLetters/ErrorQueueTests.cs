using System.Collections.Concurrent;
using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using ImageSearch.DeadLetters.ErrorQueues;
using ImageSearch.ServiceDefaults;
using MassTransit;
using RabbitMQ.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.Pipeline.Tests.DeadLetters;

/// <summary>
/// Messages faulted for real by MassTransit into <c>embed-image_error</c> (a consumer on the embed queue that throws for
/// the images the test names), then read, requeued and moved into the journal by the error-queue library.
/// </summary>
public sealed class ErrorQueueTests(RabbitMqFixture rabbit)
{
    private static readonly string EmbedErrors = QueueNames.ErrorQueueOf(QueueNames.EmbedImage);
    private static readonly string GroupErrors = QueueNames.ErrorQueueOf(QueueNames.EmbedImageGroup);
    private static readonly string IndexGroupErrors = QueueNames.ErrorQueueOf(QueueNames.IndexImageGroup);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FaultedMessagesAreListedByExceptionAndRequeuedSelectively()
    {
        var broker = rabbit.NewBroker();
        var script = new FaultScript();
        using var folder = new TempFolder();
        await using var host = await StartAsync(broker, folder, script);
        var bugs = Enumerable.Range(1, 3).Select(i => new EmbedImage(100 + i, $"/photos/bug-{i}.jpg")).ToList();
        var badArguments = Enumerable.Range(1, 2).Select(i => new EmbedImage(200 + i, $"/photos/bad-arg-{i}.jpg")).ToList();
        await host.Bus.PublishBatch([.. bugs, .. badArguments], Cancel);
        await Eventually.HoldsAsync(async () => await broker.CountAsync(EmbedErrors, Cancel) == 5, "the 5 faulted messages are in embed-image_error");
        var reader = host.Services.GetRequiredService<ErrorQueueReader>();

        var depths = await reader.DepthsAsync(Cancel);
        Assert.Equal([(EmbedErrors, 5L), (GroupErrors, 0), ("index-image_error", 0), ("index-image-group_error", 0), ("image-dead-letters_error", 0)], depths.Select(d => (d.Queue, d.Ready)));
        var listing = Assert.Single(await reader.ListAsync(QueueNames.EmbedImage, scanLimit: 100, examples: 10, Cancel));
        Assert.Equal((EmbedErrors, QueueNames.EmbedImage, 5L, 5L), (listing.Queue, listing.Source, listing.Depth, listing.Scanned));
        Assert.Equal([("System.InvalidOperationException", 3L), ("System.ArgumentException", 2L)], listing.Exceptions.Select(e => (e.ExceptionType, e.Count)));
        var bug = listing.Exceptions[0].Messages.Single(m => m.ImageId == 101);
        Assert.Equal(("/photos/bug-1.jpg", "bug in /photos/bug-1.jpg"), (bug.Path, bug.ExceptionMessage));
        Assert.False(string.IsNullOrEmpty(bug.MessageId));
        Assert.Contains("embed-image", bug.MessageType);
        Assert.InRange(bug.FaultedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(1));
        await Eventually.HoldsAsync(async () => await broker.CountAsync(EmbedErrors, Cancel) == 5, "listing puts every message back", seconds: 10);

        script.Fixed = true;
        await using var scope = host.Services.CreateAsyncScope();
        var mover = scope.ServiceProvider.GetRequiredService<ErrorQueueMover>();
        var requeued = Assert.Single(await mover.RequeueAsync(new FaultSelection(EmbedErrors, ExceptionType: "ArgumentException"), Cancel));
        Assert.Equal((EmbedErrors, QueueNames.EmbedImage, 2L), (requeued.Queue, requeued.To, requeued.Moved));
        await Eventually.HoldsAsync(() => script.Consumed.Count == 2, "the requeued messages are consumed");
        Assert.Equal([201L, 202], script.Consumed.Select(m => m.ImageId).Order());
        Assert.Equal(3u, await broker.CountAsync(EmbedErrors, Cancel));

        var one = await mover.RequeueAsync(new FaultSelection(Limit: 1), Cancel);
        Assert.Equal(1, one.Sum(q => q.Moved));
        await Eventually.HoldsAsync(() => script.Consumed.Count == 3, "the one requeued message is consumed");
        Assert.Equal(2u, await broker.CountAsync(EmbedErrors, Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => mover.RequeueAsync(new FaultSelection("no-such-queue"), Cancel));
    }

    [Fact]
    public async Task FaultedEmbedMessagesBecomeUnexpectedDeadLettersInTheJournal()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        await using var host = await StartAsync(broker, folder, new FaultScript());
        await host.Bus.Publish(new EmbedImage(301, "/photos/bug-301.jpg", "cats", "pets", Attempt: 2), Cancel);
        await Eventually.HoldsAsync(async () => await broker.CountAsync(EmbedErrors, Cancel) == 1, "the faulted message is in embed-image_error");

        await using var scope = host.Services.CreateAsyncScope();
        var moved = Assert.Single(await scope.ServiceProvider.GetRequiredService<ErrorQueueMover>().ToJournalAsync(new FaultSelection(EmbedErrors), Cancel));

        Assert.Equal((QueueNames.DeadLetters, 1L, 0L), (moved.To, moved.Moved, moved.Unreadable));
        await Eventually.HoldsAsync(async () => (await host.DeadLettersAsync(Cancel)).Count == 1, "the recorder writes the dead letter");
        var letter = Assert.Single(await host.DeadLettersAsync(Cancel));
        Assert.Equal((301L, "/photos/bug-301.jpg", "cats", "pets", PipelineStage.Embed, DeadLetterReason.Unexpected, 2),
            (letter.ImageId, letter.Path, letter.Label, letter.Collection, letter.Stage, letter.Reason, letter.Attempts));
        Assert.Equal("System.InvalidOperationException: bug in /photos/bug-301.jpg", letter.Message);
        Assert.Equal(0u, await broker.CountAsync(EmbedErrors, Cancel));
    }

    [Fact]
    public async Task AMessageThatIsNotAPipelineMessageIsListedAndStaysWhereItIs()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        await using var host = await StartAsync(broker, folder, new FaultScript());
        var connection = await host.Services.GetRequiredService<BrokerConnection>().GetAsync(Cancel);
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: Cancel))
        {
            await channel.QueueDeclareAsync(EmbedErrors, durable: true, exclusive: false, autoDelete: false, cancellationToken: Cancel);
            await channel.BasicPublishAsync("", EmbedErrors, "not json"u8.ToArray(), Cancel);
        }
        await Eventually.HoldsAsync(async () => await broker.CountAsync(EmbedErrors, Cancel) == 1, "the message is in embed-image_error");

        var listing = Assert.Single(await host.Services.GetRequiredService<ErrorQueueReader>().ListAsync(EmbedErrors, 10, 10, Cancel));
        var group = Assert.Single(listing.Exceptions);
        Assert.Equal((FaultedMessage.NoFault, 1L), (group.ExceptionType, group.Count));
        Assert.Null(group.Messages[0].ImageId);
        await using var scope = host.Services.CreateAsyncScope();
        var moved = Assert.Single(await scope.ServiceProvider.GetRequiredService<ErrorQueueMover>().ToJournalAsync(new FaultSelection(EmbedErrors), Cancel));

        Assert.Equal((0L, 1L), (moved.Moved, moved.Unreadable));
        await Eventually.HoldsAsync(async () => await broker.CountAsync(EmbedErrors, Cancel) == 1, "the message is back in embed-image_error", seconds: 10);
    }

    [Fact]
    public async Task AWorkersMetricsShowTheDepthOfItsOwnErrorQueues()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var port = FreePort.Any();
        var store = new RecordingVectorStore { FailUpsert = _ => (new InvalidOperationException("not an outage"), null) };
        var settings = new Dictionary<string, string?> { ["Indexer:MetricsPort"] = port.ToString(), ["DeadLetters:Path"] = Path.Combine(folder.Path, "j.db") };
        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, settings);

        await indexer.Bus.PublishBatch(new long[] { 1, 2 }.Select(id => new ImageEmbedded(id, $"/photos/{id}.jpg", null, null, "m", [1f, 2f])), Cancel);
        var indexErrors = QueueNames.ErrorQueueOf(QueueNames.IndexImage);
        await Eventually.HoldsAsync(async () => await broker.CountAsync(indexErrors, Cancel) == 2, "the faulted batch is in index-image_error");

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", Cancel);
        Assert.Contains($"imagesearch_error_queue_messages{{queue=\"{indexErrors}\"}} 2", metrics);
        Assert.Contains($"imagesearch_error_queue_messages{{queue=\"{QueueNames.ErrorQueueOf(QueueNames.DeadLetters)}\"}} 0", metrics);
    }

    [Fact]
    public async Task AFaultedGroupBecomesOneUnexpectedDeadLetterPerImage()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        await using var host = await StartAsync(broker, folder, new FaultScript());
        await host.Bus.Publish(new EmbedImageGroup([new EmbedImage(401, "/photos/bug-401.jpg", "cats"), new EmbedImage(402, "/photos/ok-402.jpg", Collection: "pets")]), Cancel);
        await Eventually.HoldsAsync(async () => await broker.CountAsync(GroupErrors, Cancel) == 1, "the faulted group is in embed-image-group_error");

        var listed = Assert.Single(Assert.Single(await host.Services.GetRequiredService<ErrorQueueReader>().ListAsync(GroupErrors, 10, 10, Cancel)).Exceptions[0].Messages);
        Assert.Equal((401L, "/photos/bug-401.jpg"), (listed.ImageId, listed.Path)); // a group is shown by its first image
        await Eventually.HoldsAsync(async () => await broker.CountAsync(GroupErrors, Cancel) == 1, "listing puts the group back", seconds: 10);

        await using var scope = host.Services.CreateAsyncScope();
        var moved = Assert.Single(await scope.ServiceProvider.GetRequiredService<ErrorQueueMover>().ToJournalAsync(new FaultSelection(QueueNames.EmbedImageGroup), Cancel));

        Assert.Equal((GroupErrors, QueueNames.DeadLetters, 1L, 0L), (moved.Queue, moved.To, moved.Moved, moved.Unreadable));
        await Eventually.HoldsAsync(async () => (await host.DeadLettersAsync(Cancel)).Count == 2, "the recorder writes a dead letter for each image of the group");
        var letters = (await host.DeadLettersAsync(Cancel)).OrderBy(l => l.ImageId).ToList();
        Assert.Equal([(401L, "/photos/bug-401.jpg", "cats", (string?)null), (402L, "/photos/ok-402.jpg", null, "pets")],
            letters.Select(l => (l.ImageId, l.Path, l.Label, l.Collection)));
        Assert.All(letters, l => Assert.Equal((PipelineStage.Embed, DeadLetterReason.Unexpected, "System.InvalidOperationException: bug in /photos/bug-401.jpg"),
            (l.Stage, l.Reason, l.Message)));
        Assert.Equal(0u, await broker.CountAsync(GroupErrors, Cancel));
    }

    [Fact]
    public async Task AGroupOfVectorsFaultedByTheIndexerBecomesOneDeadLetterPerVectorAtTheIndexStage()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var store = new RecordingVectorStore { FailUpsert = _ => (new InvalidOperationException("not an outage"), null) };
        var settings = new Dictionary<string, string?> { ["DeadLetters:Path"] = Path.Combine(folder.Path, "indexer.db"), ["DeadLetters:Record"] = "false" };
        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, settings);
        await indexer.Bus.Publish(new ImageEmbeddedGroup([
            new ImageEmbedded(501, "/photos/501.jpg", "cats", null, "m", [1f, 2f], Attempt: 2),
            new ImageEmbedded(502, "/photos/502.jpg", null, "pets", "m", [3f, 4f])]), Cancel);
        await Eventually.HoldsAsync(async () => await broker.CountAsync(IndexGroupErrors, Cancel) == 1, "the faulted group is in index-image-group_error");

        await using var host = await StartAsync(broker, folder, new FaultScript());
        await using var scope = host.Services.CreateAsyncScope();
        var moved = Assert.Single(await scope.ServiceProvider.GetRequiredService<ErrorQueueMover>().ToJournalAsync(new FaultSelection(IndexGroupErrors), Cancel));

        Assert.Equal((IndexGroupErrors, 1L, 0L), (moved.Queue, moved.Moved, moved.Unreadable));
        await Eventually.HoldsAsync(async () => (await host.DeadLettersAsync(Cancel)).Count == 2, "the recorder writes a dead letter for each vector of the group");
        var letters = (await host.DeadLettersAsync(Cancel)).OrderBy(l => l.ImageId).ToList();
        Assert.Equal([(501L, "/photos/501.jpg", "cats", (string?)null, 2), (502L, "/photos/502.jpg", null, "pets", 1)],
            letters.Select(l => (l.ImageId, l.Path, l.Label, l.Collection, l.Attempts)));
        Assert.All(letters, l => Assert.Equal((PipelineStage.Index, DeadLetterReason.Unexpected, "System.InvalidOperationException: not an outage"),
            (l.Stage, l.Reason, l.Message)));
    }

    /// <summary>Consumers on the embed queues (where the embedder would be) and the dead-letter recorder, with the error-queue library.</summary>
    private static Task<PipelineHost> StartAsync(Broker broker, TempFolder folder, FaultScript script) =>
        PipelineHost.StartAsync(folder.Path, broker.Settings, builder =>
        {
            builder.Services.AddSingleton(script);
            builder.AddDeadLetterJournal();
            builder.AddErrorQueues();
            builder.AddMessageBus(bus =>
            {
                bus.AddConsumer<ScriptedEmbedConsumer>().Endpoint(e => e.Name = QueueNames.EmbedImage);
                bus.AddConsumer<ScriptedGroupConsumer>().Endpoint(e => e.Name = QueueNames.EmbedImageGroup);
                bus.AddDeadLetterRecorder();
            });
        }, Cancel);

    /// <summary>Which images fault, until the test says the fault is fixed; and what was consumed.</summary>
    public sealed class FaultScript
    {
        public bool Fixed { get; set; }

        public ConcurrentQueue<EmbedImage> Consumed { get; } = new();

        public void Consume(EmbedImage image)
        {
            if (!Fixed && image.Path.Contains("bug-"))
                throw new InvalidOperationException($"bug in {image.Path}");
            if (!Fixed && image.Path.Contains("bad-arg-"))
                throw new ArgumentException($"bad argument {image.Path}");
            Consumed.Enqueue(image);
        }
    }

    public sealed class ScriptedEmbedConsumer(FaultScript script) : IConsumer<EmbedImage>
    {
        public Task Consume(ConsumeContext<EmbedImage> context)
        {
            script.Consume(context.Message);
            return Task.CompletedTask;
        }
    }

    public sealed class ScriptedGroupConsumer(FaultScript script) : IConsumer<EmbedImageGroup>
    {
        public Task Consume(ConsumeContext<EmbedImageGroup> context)
        {
            foreach (var image in context.Message.Images)
                script.Consume(image);
            return Task.CompletedTask;
        }
    }
}
