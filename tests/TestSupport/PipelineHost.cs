using ImageSearch.DeadLetters;
using ImageSearch.Pipeline;
using ImageSearch.Pipeline.Indexer;
using ImageSearch.ServiceDefaults;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageSearch.TestSupport;

/// <summary>
/// Pipeline stages hosted in this process, composed by the same registration methods as the real programs, over the
/// embedded store and the journal in a folder of the caller's. Tests and benchmarks read the store and the journal through it.
/// </summary>
public sealed class PipelineHost(IHost host) : IAsyncDisposable
{
    public const string DefaultCollection = "images";

    public IServiceProvider Services => host.Services;

    public IVectorStore Store => host.Services.GetRequiredService<IVectorStore>();

    public DeadLetterJournal Journal => host.Services.GetRequiredService<DeadLetterJournal>();

    /// <summary>Publishes on the same bus as the pipeline (for messages the ingestor would never produce).</summary>
    public IBus Bus => host.Services.GetRequiredService<IBus>();

    /// <summary>The indexer worker as its Program composes it (the dead-letter recorder included unless settings say otherwise).</summary>
    /// <param name="settings">Bus settings (a test's broker, or <c>Bus:Transport=InMemory</c>) and any overrides.</param>
    /// <param name="services">Replaces registrations after the indexer's own (e.g. a store that fails on demand).</param>
    public static Task<PipelineHost> StartIndexerAsync(
        string folder, IEnumerable<KeyValuePair<string, string?>> settings, CancellationToken cancellationToken,
        Action<IServiceCollection>? services = null) =>
        StartAsync(folder, settings, builder =>
        {
            builder.AddIndexer();
            services?.Invoke(builder.Services);
        }, cancellationToken);

    /// <summary>Every stage over the in-memory transport, as the query API's standalone mode runs them.</summary>
    public static Task<PipelineHost> StartStandaloneAsync(
        string folder, IEnumerable<KeyValuePair<string, string?>> settings, CancellationToken cancellationToken) =>
        StartAsync(folder, settings, builder =>
        {
            builder.AddStandaloneWorkers();
            builder.AddMessageBus(bus => bus.AddStandaloneConsumers());
        }, cancellationToken);

    /// <summary>A host composed by <paramref name="compose"/>, with the store and journal in <paramref name="folder"/> unless settings say otherwise.</summary>
    public static async Task<PipelineHost> StartAsync(
        string folder, IEnumerable<KeyValuePair<string, string?>> settings, Action<HostApplicationBuilder> compose,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = folder, // no appsettings.json: only the settings below
            EnvironmentName = "Testing",
        });
        // Defaults first, then the caller's settings, each key once (a later source overrides an earlier one).
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VectorStore:Kind"] = "Embedded",
            ["VectorStore:Embedded:Path"] = Path.Combine(folder, "store"),
            ["DeadLetters:Path"] = Path.Combine(folder, "dead-letters.db"),
            ["Indexer:TimeLimit"] = "00:00:00.2",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        compose(builder);
        var host = builder.Build();
        // Bounded: a bus that cannot declare its queues keeps retrying, and the caller should fail, not hang.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        await host.StartAsync(limit.Token);
        return new PipelineHost(host);
    }

    /// <summary>Rows in <paramref name="collection"/> (0 before the first upsert created it).</summary>
    public async Task<long> CountAsync(string collection = DefaultCollection, CancellationToken cancellationToken = default) =>
        (await Store.DescribeAsync(collection, cancellationToken))?.Count ?? 0;

    public async Task<IReadOnlyList<DeadLetterEntry>> DeadLettersAsync(CancellationToken cancellationToken = default) =>
        await Journal.ListAsync(null, 0, 10_000, cancellationToken, includeReplayed: true);

    public Task StopAsync() => host.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }
}
