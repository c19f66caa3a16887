using ImageSearch.Contracts;
using ImageSearch.Pipeline.Indexer;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static ImageSearch.Pipeline.Tests.Indexer.IndexerScenario;

namespace ImageSearch.Pipeline.Tests.Indexer;

/// <summary>
/// Store outages over a real broker: a blip is retried in place, a lasting outage gives the batch back and pauses the
/// queue (the broker holds every message, none unacknowledged), readiness says Degraded meanwhile, and everything is
/// stored once the store is back. Never a dead letter or an error-queue message because of an outage.
/// </summary>
public sealed class StoreOutageTests(RabbitMqFixture rabbit)
{
    private const string VectorsIndexed = "imagesearch_indexer_vectors_indexed_total";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABlipIsRetriedInPlaceUntilEveryVectorIsStored()
    {
        var (broker, folder) = await QueueAsync(rabbit, Enumerable.Range(1, 20).Select(i => Embedded(i)));
        using var _ = folder;
        var store = new RecordingVectorStore { FailUpsert = call => call <= 5 ? (new StoreUnavailableException("store is down"), null) : (null, null) };
        // Process-wide counters, which tests running beside this one may raise too: compare at least.
        var (retriesBefore, indexedBefore) = (await MetricSamples.ReadAsync(OutageRetries), await MetricSamples.ReadAsync(VectorsIndexed));

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, Settings(Journal(folder)));
        await Eventually.HoldsAsync(() => store.Records("images").Count == 20, "20 vectors are stored after the outage");

        Assert.Equal(6, store.UpsertCalls);
        Assert.False(indexer.Services.GetRequiredService<OutagePause>().IsPaused, "a blip shorter than PauseAfter does not pause the queue");
        Assert.True(await MetricSamples.ReadAsync(OutageRetries) - retriesBefore >= 5, "each retry of the outage is counted");
        Assert.True(await MetricSamples.ReadAsync(VectorsIndexed) - indexedBefore >= 20, "the indexed vectors are counted");
        await AssertNothingLostAsync(broker);
        Assert.Equal(HealthStatus.Healthy, (await StoreReadinessAsync(indexer)).Status);
    }

    [Fact]
    public async Task ALastingOutagePausesTheQueueAndTheBrokerKeepsEveryMessageUntilTheStoreIsBack()
    {
        var (broker, folder) = await QueueAsync(rabbit, Enumerable.Range(1, 20).Select(i => Embedded(i)));
        using var _ = folder;
        var store = new RecordingVectorStore { Down = true };
        // Probes up to 3 s apart: while writes still fail (below) the queue is paused, resumed by a probe and paused again,
        // and each paused spell must outlast one read of the broker's depths (a rabbitmqctl call, about a second).
        var settings = Settings(Journal(folder), ("Indexer:PauseAfter", "00:00:00"), ("Indexer:RetryMaxInterval", "00:00:03"));

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, settings);
        var pause = indexer.Services.GetRequiredService<OutagePause>();

        await Eventually.HoldsAsync(() => pause.Endpoint.IsPaused, "the queue is paused");
        await Eventually.HoldsAsync(async () => await broker.DepthAsync(QueueNames.IndexImage, Cancel) == (20, 0),
            "the broker holds all 20 messages again, none unacknowledged");
        var readiness = await StoreReadinessAsync(indexer);
        Assert.Equal(HealthStatus.Degraded, readiness.Status);
        Assert.Contains("store is down", readiness.Description);
        Assert.Empty(store.Records("images"));

        // The store answers the probe but still fails writes: the queue resumes, the batch fails, and it is paused again.
        store.FailUpsert = _ => (new StoreUnavailableException("writes still fail"), null);
        store.Down = false;
        await Eventually.HoldsAsync(() => store.UpsertCalls >= 1, "the queue resumes after a probe answers");
        await Eventually.HoldsAsync(async () => pause.Endpoint.IsPaused && await broker.DepthAsync(QueueNames.IndexImage, Cancel) == (20, 0),
            "a failing write pauses the queue again, the broker holding all 20");

        store.FailUpsert = _ => (null, null);
        await Eventually.HoldsAsync(() => store.Records("images").Count == 20, "all 20 are stored once the store takes writes");
        await Eventually.HoldsAsync(async () => await broker.DepthAsync(QueueNames.IndexImage, Cancel) == (0, 0), "the queue is drained");
        Assert.False(pause.IsPaused);
        Assert.Equal(HealthStatus.Healthy, (await StoreReadinessAsync(indexer)).Status);
        await AssertNothingLostAsync(broker);
    }

    [Fact]
    public async Task ALastingOutagePausesBothIndexQueuesAndTheBrokerKeepsTheGroupsToo()
    {
        // Groups alone: their consumer meets the outage, gives its batch back, and both index queues are paused.
        var (broker, folder) = await QueueAsync(rabbit, [Group(1, 10), Group(11, 10), Group(21, 10)]);
        using var _ = folder;
        var store = new RecordingVectorStore { Down = true };
        var settings = Settings(Journal(folder), ("Indexer:PauseAfter", "00:00:00"), ("Indexer:RetryMaxInterval", "00:00:03"));

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, settings);
        var pause = indexer.Services.GetRequiredService<OutagePause>();

        await Eventually.HoldsAsync(() => pause.GroupEndpoint.IsPaused && pause.Endpoint.IsPaused, "both index queues are paused");
        await Eventually.HoldsAsync(async () => await broker.DepthAsync(QueueNames.IndexImageGroup, Cancel) == (3, 0),
            "the broker holds the 3 groups again, none unacknowledged");
        Assert.Empty(store.Records("images"));

        store.Down = false;
        await Eventually.HoldsAsync(() => store.Records("images").Count == 30, "all 30 vectors are stored once the store is back");
        await Eventually.HoldsAsync(async () => await broker.DepthAsync(QueueNames.IndexImageGroup, Cancel) == (0, 0), "the group queue is drained");
        Assert.False(pause.IsPaused);
        await AssertNothingLostAsync(broker);
    }

    [Fact]
    public async Task StoppingDuringAnOutageLeavesEveryMessageWithTheBroker()
    {
        var (broker, folder) = await QueueAsync(rabbit, Enumerable.Range(1, 15).Select(i => Embedded(i)));
        using var _ = folder;
        var store = new RecordingVectorStore { FailUpsert = _ => (new StoreUnavailableException("store is down"), null) };
        var settings = Settings(Journal(folder), ("Bus:StopTimeout", "00:00:01"));

        await using (var indexer = await TestHosts.StartIndexerAsync(broker, store, settings))
        {
            await Eventually.HoldsAsync(() => store.UpsertCalls >= 3, "the batch is being retried");
            await indexer.StopAsync();
        }

        // The abandoned batch is neither acknowledged nor failed: the broker still holds all 15 and hands them out
        // again when the stopped process's connection closes (at exit).
        var (ready, unacknowledged) = await broker.DepthAsync(QueueNames.IndexImage, Cancel);
        Assert.Equal(15, ready + unacknowledged);
        Assert.Empty(store.Records("images"));
        await AssertNothingLostAsync(broker);
    }

    [Fact]
    public async Task OverTheInMemoryTransportTheBatchIsRetriedInPlaceUntilTheStoreIsBack()
    {
        using var folder = new TempFolder();
        var store = new RecordingVectorStore { Down = true };
        await using var host = await TestHosts.StartInMemoryIndexerAsync(store, Journal(folder),
            new() { ["Indexer:PauseAfter"] = "00:00:00", ["Indexer:RetryMinInterval"] = "00:00:00.05", ["Indexer:RetryMaxInterval"] = "00:00:00.2" });
        var outage = host.Services.GetRequiredService<StoreOutage>();

        await host.Bus.PublishBatch([Embedded(1), Embedded(2), Embedded(3)], Cancel);
        await Eventually.HoldsAsync(() => outage.Current?.Retries >= 3, "the batch is retried while the store is down");
        Assert.False(host.Services.GetRequiredService<OutagePause>().IsPaused, "the in-memory transport cannot take messages back");
        store.Down = false;

        await Eventually.HoldsAsync(() => store.Records("images").Count == 3, "the 3 vectors are stored once the store is back");
        Assert.Null(outage.Current);
        Assert.Empty(await host.DeadLettersAsync(Cancel));
    }

    private static async Task<HealthReportEntry> StoreReadinessAsync(PipelineHost indexer)
    {
        var report = await indexer.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(check => check.Tags.Contains(ImageSearch.ServiceDefaults.Monitoring.HealthTags.Ready), Cancel);
        return report.Entries[StoreOutageHealthCheck.Name];
    }

    private static async Task AssertNothingLostAsync(Broker broker)
    {
        Assert.Null(await ErrorQueueAsync(broker));
        Assert.True(await broker.CountAsync(QueueNames.DeadLetters, Cancel) is null or 0, "nothing is dead-lettered for an outage");
    }
}
