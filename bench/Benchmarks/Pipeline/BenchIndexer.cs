using ImageSearch.DeadLetters;
using ImageSearch.Indexer;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>
/// The indexer worker (default settings, dead-letter recorder included) composed by its own <c>AddIndexer()</c> in the
/// benchmark process, over the embedded store in a temporary folder, so the benchmark can count the store exactly.
/// </summary>
internal sealed class BenchIndexer(IHost host) : IAsyncDisposable
{
    public IBus Bus => host.Services.GetRequiredService<IBus>();

    public DeadLetterJournal Journal => host.Services.GetRequiredService<DeadLetterJournal>();

    public static async Task<BenchIndexer> StartAsync(IEnumerable<KeyValuePair<string, string?>> bus, string folder, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = folder });
        builder.Configuration.AddInMemoryCollection(bus.Concat(new Dictionary<string, string?>
        {
            ["VectorStore:Embedded:Path"] = Path.Combine(folder, "store"),
            ["DeadLetters:Path"] = Path.Combine(folder, "dead-letters.db"),
        }));
        builder.Logging.ClearProviders();
        builder.AddIndexer();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new BenchIndexer(host);
    }

    public async Task<long> CountAsync(string collection, CancellationToken cancellationToken) =>
        (await host.Services.GetRequiredService<IVectorStore>().DescribeAsync(collection, cancellationToken))?.Count ?? 0;

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }
}
