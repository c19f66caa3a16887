using ImageSearch.VectorStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>
/// Opens the store while the host starts, before the bus (registered after it) consumes anything. A store that cannot
/// be opened now (another process holds the embedded store's writer lock; SQLite cannot open the folder) is an outage:
/// waited out with <see cref="StoreOutage"/>'s backoff, logs and readiness, so the bus starts only once this process
/// can write. Otherwise each delivery would fail in the consumer's construction, outside the outage policy, and go
/// to <c>index-image_error</c>.
/// </summary>
internal sealed class IndexerStoreOpener(IServiceProvider services, StoreOutage outage) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                services.GetRequiredService<IVectorStore>();
                outage.Succeeded();
                return;
            }
            catch (StoreUnavailableException e)
            {
                outage.Failed(e);
            }
            await Task.Delay(outage.NextDelay, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
