using ImageSearch.VectorStore;

namespace ImageSearch.QueryApi.Health;

/// <summary>
/// Resolves the store while the host starts: that opens its collections (and loads or builds their graphs) now,
/// rather than on the first search.
/// </summary>
internal sealed class StoreOpener(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<IVectorStore>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
