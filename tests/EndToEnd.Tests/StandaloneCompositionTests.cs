using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using ImageSearch.Embedder;
using ImageSearch.Indexer;
using ImageSearch.Ingestor.Publishing;
using ImageSearch.Ingestor.Sources;
using ImageSearch.Pipeline.Tests.Infrastructure;
using ImageSearch.ServiceDefaults;
using ImageSearch.ServiceDefaults.Monitoring;
using ImageSearch.Tests;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>
/// Every stage in one process over MassTransit's in-memory transport, composed from the extensions a process with its
/// own bus uses (the standalone mode): <c>AddEmbedderServices</c> + <c>AddEmbedImagesConsumer</c>, and the indexer's equivalents.
/// </summary>
public sealed class StandaloneCompositionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneProcessEmbedsIndexesAndDeadLettersOverTheInMemoryTransport()
    {
        var photos = SharedData.ImageNet100Files;
        using var folder = new TempFolder();
        var empty = folder.File("bad/empty.jpg", "");
        var text = folder.File("bad/notes.jpg", "not a photo");
        using var host = await StartAsync(folder.Path);
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains(HealthTags.Ready), Cancel);
        Assert.Equal(HealthStatus.Healthy, health.Entries["model"].Status);

        var publisher = new BulkPublisher(host.Services.GetRequiredService<IBus>());
        foreach (var source in new[] { SharedData.ImageNet100, Path.Combine(folder.Path, "bad") })
            Assert.Equal(0, (await publisher.PublishAsync(ImageSources.Open(source), new BulkPublishOptions(), new PublishTally(), Cancel)).Failed);

        var store = host.Services.GetRequiredService<IVectorStore>();
        var journal = host.Services.GetRequiredService<DeadLetterJournal>();
        await Eventually.HoldsAsync(async () =>
            (await store.DescribeAsync("images", Cancel))?.Count == photos.Count && (await journal.ListAsync(null, 0, 100, Cancel)).Count == 2,
            "every photo is stored and both bad files are dead-lettered", seconds: 120);

        var letters = (await journal.ListAsync(null, 0, 100, Cancel)).ToDictionary(l => l.Path, l => l.Reason);
        Assert.Equal(new Dictionary<string, DeadLetterReason> { [empty] = DeadLetterReason.FileEmpty, [text] = DeadLetterReason.NotAnImage }, letters);
        var stored = await store.GetAsync("images", ImageIds.FromPath(photos[^1]), Cancel);
        Assert.Equal(photos[^1], stored!.Path);
    }

    private static async Task<IHost> StartAsync(string folder)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = folder, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["VectorStore:Embedded:Path"] = Path.Combine(folder, "store"),
            ["DeadLetters:Path"] = Path.Combine(folder, "dead-letters.db"),
            ["Embedder:TimeLimit"] = "00:00:00.2",
            ["Indexer:TimeLimit"] = "00:00:00.2",
        });
        builder.Logging.ClearProviders();
        builder.AddEmbedderServices();
        builder.AddIndexerServices();
        builder.AddMessageBus(bus =>
        {
            bus.AddEmbedImagesConsumer();
            bus.AddIndexImagesConsumer();
            bus.AddDeadLetterRecorder();
        });
        var host = builder.Build();
        await host.StartAsync(Cancel);
        return host;
    }
}
