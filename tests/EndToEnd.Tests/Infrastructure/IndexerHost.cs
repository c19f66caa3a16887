using ImageSearch.DeadLetters;
using ImageSearch.Indexer;
using ImageSearch.Pipeline.Tests.Infrastructure;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageSearch.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The indexer worker (with the dead-letter recorder) in this process, composed by the same <c>AddIndexer()</c> as its
/// Program, over the real embedded store and journal in <paramref name="folder"/>. The test reads the store and the journal through it.
/// </summary>
public sealed class IndexerHost(IHost host) : IAsyncDisposable
{
    public const string Collection = "images";

    public IVectorStore Store => host.Services.GetRequiredService<IVectorStore>();

    public DeadLetterJournal Journal => host.Services.GetRequiredService<DeadLetterJournal>();

    /// <summary>Publishes on the same bus as the pipeline (for messages the ingestor would never produce).</summary>
    public IPublishEndpoint Bus => host.Services.GetRequiredService<IBus>();

    public static async Task<IndexerHost> StartAsync(Broker broker, string folder)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = folder, // no appsettings.json: only the settings below
            EnvironmentName = "Testing",
        });
        builder.Configuration.AddInMemoryCollection(broker.Settings.Concat(new Dictionary<string, string?>
        {
            ["VectorStore:Kind"] = "Embedded",
            ["VectorStore:Embedded:Path"] = Path.Combine(folder, "store"),
            ["DeadLetters:Path"] = Path.Combine(folder, "dead-letters.db"),
            ["Indexer:TimeLimit"] = "00:00:00.2",
        }));
        builder.Logging.ClearProviders();
        builder.AddIndexer();
        var host = builder.Build();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        await host.StartAsync(limit.Token);
        return new IndexerHost(host);
    }

    /// <summary>Rows in the default collection (0 before the first upsert created it).</summary>
    public async Task<long> CountAsync() =>
        (await Store.DescribeAsync(Collection, TestContext.Current.CancellationToken))?.Count ?? 0;

    public async Task<IReadOnlyList<DeadLetterEntry>> DeadLettersAsync() =>
        await Journal.ListAsync(null, 0, 10_000, TestContext.Current.CancellationToken, includeReplayed: true);

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }
}
