using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using ImageSearch.DeadLetters.ErrorQueues;
using ImageSearch.QueryApi.DeadLetters;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.QueryApi.Tests;

/// <summary>
/// A batch faulted for real into <c>index-image_error</c>: the indexer (in this process, over the API's own store behind
/// a switch that makes upserts throw) on a private RabbitMQ node, seen and recovered through the API and the ingestor CLI.
/// </summary>
public sealed class ErrorQueueTests(RabbitMqFixture rabbit, SeededApi inMemory) : IClassFixture<RabbitMqFixture>
{
    private static readonly string IndexErrors = QueueNames.ErrorQueueOf(QueueNames.IndexImage);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FaultedBatchShowsInMetricsHealthAndCliThenRequeueStoresItAndToJournalDeadLettersIt()
    {
        var broker = rabbit.NewBroker();
        await using var pipeline = await FaultingPipeline.StartAsync(broker);
        var ids = await pipeline.PublishAsync(7001, 7002, 7003);
        await Eventually.HoldsAsync(async () => await broker.CountAsync(IndexErrors, Ct) == 3, "the faulted batch is in index-image_error");
        using var client = pipeline.Api.Client();

        var metrics = await client.GetStringAsync("/metrics", Ct);
        Assert.Contains($"imagesearch_error_queue_messages{{queue=\"{IndexErrors}\"}} 3", metrics);
        Assert.Contains("imagesearch_error_queue_messages{queue=\"embed-image_error\"} 0", metrics);
        var health = await HealthAsync(client);
        Assert.Equal(("Degraded", "Degraded", 3), (health.Status, health.ErrorQueues, health.IndexErrors));

        var listed = await IngestorProcess.RunAsync(broker.Settings, "errors", "list", "--json");
        Assert.True(listed.ExitCode == 0, listed.Error);
        var queue = JsonDocument.Parse(listed.Output).RootElement.GetProperty("queues").EnumerateArray()
            .Single(q => q.GetProperty("queue").GetString() == IndexErrors);
        Assert.Equal(3, queue.GetProperty("depth").GetInt64());
        var fault = Assert.Single(queue.GetProperty("exceptions").EnumerateArray());
        Assert.Equal(("System.InvalidOperationException", 3), (fault.GetProperty("exceptionType").GetString(), fault.GetProperty("count").GetInt32()));
        Assert.Contains("refused (test fault)", fault.GetProperty("messages")[0].GetProperty("exceptionMessage").GetString());
        var table = await IngestorProcess.RunAsync(broker.Settings, "errors", "list", "--queue", IndexErrors);
        Assert.Contains("System.InvalidOperationException", table.Output);

        pipeline.Store.Failing = false;
        var requeued = await IngestorProcess.RunAsync(broker.Settings, "errors", "requeue", "--queue", IndexErrors, "--limit", "2");
        Assert.True(requeued.ExitCode == 0, requeued.Error);
        Assert.Contains($"Requeued 2 messages from {IndexErrors} to {QueueNames.IndexImage}", requeued.Output);
        await Eventually.HoldsAsync(async () => await CountAsync(client) == 2, "the 2 requeued vectors are stored");
        Assert.Equal(1u, await broker.CountAsync(IndexErrors, Ct));

        var moved = await IngestorProcess.RunAsync(broker.Settings, "errors", "to-journal", "--queue", IndexErrors);
        Assert.True(moved.ExitCode == 0, moved.Error);
        Assert.Contains($"Moved 1 messages from {IndexErrors} to {QueueNames.DeadLetters}", moved.Output);
        var letter = await pipeline.DeadLetterAsync();
        var stored = await Task.WhenAll(ids.Select(id => pipeline.Store.GetAsync(PipelineHost.DefaultCollection, id, Ct)));
        Assert.Equal([letter.ImageId], ids.Where((_, i) => stored[i] is null));
        Assert.Equal((PipelineStage.Index, DeadLetterReason.Unexpected, 1), (letter.Stage, letter.Reason, letter.Attempts));
        Assert.StartsWith("System.InvalidOperationException: upsert of", letter.Message);
        Assert.Equal("Healthy", (await HealthAsync(client)).Status);
    }

    [Fact]
    public async Task ErrorEndpointsListRequeueAndMoveToTheJournalWithTheApiKey()
    {
        var broker = rabbit.NewBroker();
        await using var pipeline = await FaultingPipeline.StartAsync(broker);
        var ids = await pipeline.PublishAsync(8001, 8002);
        await Eventually.HoldsAsync(async () => await broker.CountAsync(IndexErrors, Ct) == 2, "the faulted batch is in index-image_error");
        using var client = pipeline.Api.Client();
        using var withKey = pipeline.Api.Client(withKey: true);

        var report = (await client.GetFromJsonAsync<ErrorQueueReport>($"/errors?queue={QueueNames.IndexImage}&examples=5", Ct))!;
        var listing = Assert.Single(report.Queues);
        Assert.Equal((IndexErrors, 2L, 2L), (listing.Queue, listing.Depth, listing.Scanned));
        var group = Assert.Single(listing.Exceptions);
        Assert.Equal(("System.InvalidOperationException", 2L), (group.ExceptionType, group.Count));
        Assert.Equal(ids.Order(), group.Messages.Select(m => m.ImageId!.Value).Order());
        await Problems.AssertProblemAsync(await client.GetAsync("/errors?queue=nope", Ct), HttpStatusCode.BadRequest);
        await Problems.AssertProblemAsync(await client.PostAsync("/errors/requeue", null, Ct), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await withKey.PostAsync("/errors/requeue?limit=0", null, Ct), HttpStatusCode.BadRequest);

        pipeline.Store.Failing = false;
        var requeue = await withKey.PostAsync($"/errors/requeue?queue={IndexErrors}&exception=InvalidOperationException&limit=1", null, Ct);
        Assert.Equal(1, (await requeue.Content.ReadFromJsonAsync<ErrorMoveResponse>(Ct))!.Moved);
        await Eventually.HoldsAsync(async () => await CountAsync(client) == 1, "the requeued vector is stored");
        var toJournal = await withKey.PostAsync("/errors/to-journal?exception=System.InvalidOperationException", null, Ct);
        var moved = (await toJournal.Content.ReadFromJsonAsync<ErrorMoveResponse>(Ct))!;
        Assert.Equal((1L, QueueNames.DeadLetters), (moved.Moved, moved.Queues.Single(q => q.Moved > 0).To));
        Assert.Contains((await pipeline.DeadLetterAsync()).ImageId, ids);
        Assert.Equal(0u, await broker.CountAsync(IndexErrors, Ct));
    }

    [Fact]
    public async Task OnTheInMemoryBusThereAreNoErrorQueuesToRead()
    {
        using var client = inMemory.Client(withKey: true);

        await Problems.AssertProblemAsync(await client.GetAsync("/errors", Ct), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await client.PostAsync("/errors/requeue", null, Ct), HttpStatusCode.Conflict);
        var health = JsonDocument.Parse(await client.GetStringAsync("/health", Ct)).RootElement;
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("error-queues").GetProperty("status").GetString());
    }

    private static async Task<(string Status, string? ErrorQueues, long IndexErrors)> HealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // degraded still answers 200
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        var check = body.GetProperty("checks").GetProperty("error-queues");
        return (body.GetProperty("status").GetString()!, check.GetProperty("status").GetString(), check.GetProperty("data").GetProperty(IndexErrors).GetInt64());
    }

    private static async Task<long> CountAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("/count", Ct)).RootElement.GetProperty("count").GetInt64();

    /// <summary>The API on a test's virtual host, and an indexer writing into the API's store (through the switch) and journal.</summary>
    private sealed class FaultingPipeline(BrokerApi api, FaultSwitchStore store, PipelineHost indexer) : IAsyncDisposable
    {
        public BrokerApi Api => api;

        public FaultSwitchStore Store => store;

        public static async Task<FaultingPipeline> StartAsync(Broker broker)
        {
            var api = new BrokerApi(broker);
            await api.InitializeAsync();
            var store = new FaultSwitchStore(api.Services.GetRequiredService<IVectorStore>());
            var settings = new Dictionary<string, string?>(broker.Settings)
            {
                ["DeadLetters:Path"] = api.Services.GetRequiredService<DeadLetterJournal>().Path,
            };
            var indexer = await PipelineHost.StartIndexerAsync(Path.Combine(api.Root, "indexer"), settings, Ct, s => s.AddSingleton<IVectorStore>(store));
            return new FaultingPipeline(api, store, indexer);
        }

        /// <summary>Vectors of the API's model, as an embedder would publish them.</summary>
        public async Task<long[]> PublishAsync(params long[] ids)
        {
            var spec = api.Services.GetRequiredService<ActiveCollection>().Spec;
            foreach (var id in ids)
                await indexer.Bus.Publish(new ImageEmbedded(id, $"/photos/{id}.jpg", null, null, spec.Model,
                    Enumerable.Range(0, spec.Dimension).Select(i => MathF.Sin(id + i)).ToArray()), Ct);
            return ids;
        }

        /// <summary>The one dead letter of the journal, once the recorder wrote it.</summary>
        public async Task<DeadLetterEntry> DeadLetterAsync()
        {
            var journal = api.Services.GetRequiredService<DeadLetterJournal>();
            await Eventually.HoldsAsync(async () => (await journal.ListAsync(null, 0, 10, Ct)).Count > 0, "the recorder writes the dead letter");
            return Assert.Single(await journal.ListAsync(null, 0, 10, Ct));
        }

        public async ValueTask DisposeAsync()
        {
            await indexer.DisposeAsync();
            await api.DisposeAsync();
        }
    }

    private sealed class BrokerApi(Broker broker) : QueryApiFactory
    {
        // The in-process indexer writes through this API's store, so the API holds the writer role (on a broker it would follow).
        protected override Dictionary<string, string?> Settings => new(broker.Settings)
        {
            ["QueryApi:ApiKey"] = ApiKey,
            ["VectorStore:Embedded:Role"] = "Writer",
        };
    }
}
