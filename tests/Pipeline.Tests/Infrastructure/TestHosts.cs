using ImageSearch.DeadLetters;
using ImageSearch.Indexer;
using ImageSearch.ServiceDefaults;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Pipeline.Tests.Infrastructure;

/// <summary>Hosts composed by the same extension methods as the real processes, pointed at a test's virtual host.</summary>
public static class TestHosts
{
    /// <summary>The indexer worker (dead-letter recorder included unless settings say otherwise) over <paramref name="store"/>.</summary>
    public static Task<IHost> StartIndexerAsync(Broker broker, IVectorStore store, Dictionary<string, string?> settings) =>
        StartAsync(broker, settings, builder =>
        {
            builder.AddIndexer();
            builder.Services.AddSingleton(store); // registered last: wins over the configured store
        });

    /// <summary>A process that only publishes (like the CLI), with the journal at <paramref name="journal"/>.</summary>
    public static Task<IHost> StartPublisherAsync(Broker broker, string journal, bool quorum = false) =>
        StartAsync(broker, new() { ["DeadLetters:Path"] = journal, ["Bus:QuorumQueues"] = quorum.ToString() }, builder =>
        {
            builder.AddDeadLetterJournal();
            builder.AddMessageBus(_ => { });
        });

    /// <summary>Only the dead-letter recorder, writing to <paramref name="journal"/>.</summary>
    public static Task<IHost> StartRecorderAsync(Broker broker, string journal) =>
        StartAsync(broker, new() { ["DeadLetters:Path"] = journal }, builder =>
        {
            builder.AddDeadLetterJournal();
            builder.AddMessageBus(bus => bus.AddDeadLetterRecorder());
        });

    /// <summary>Indexer and recorder in one process over the in-memory transport (how the standalone mode runs them).</summary>
    public static Task<IHost> StartInMemoryIndexerAsync(IVectorStore store, string journal) =>
        StartAsync(null, new() { ["Bus:Transport"] = "InMemory", ["DeadLetters:Path"] = journal, ["Indexer:TimeLimit"] = "00:00:00.2" }, builder =>
        {
            builder.AddIndexer();
            builder.Services.AddSingleton(store);
        });

    public static IPublishEndpoint Bus(this IHost host) => host.Services.GetRequiredService<IBus>();

    private static async Task<IHost> StartAsync(Broker? broker, Dictionary<string, string?> settings, Action<HostApplicationBuilder> compose)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = Path.GetTempPath(), // no appsettings.json: only the settings below
            EnvironmentName = "Testing",
        });
        builder.Configuration.AddInMemoryCollection((broker?.Settings ?? []).Concat(settings));
        builder.Logging.ClearProviders();
        compose(builder);
        var host = builder.Build();
        // Bounded: a bus that cannot declare its queues keeps retrying, and the test should fail, not hang.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        await host.StartAsync(limit.Token);
        return host;
    }
}
