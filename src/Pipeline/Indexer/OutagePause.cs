using ImageSearch.Contracts;
using ImageSearch.ServiceDefaults;
using ImageSearch.VectorStore;
using MassTransit;
using MassTransit.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>
/// Pauses the index queues (<see cref="QueueNames.IndexImage"/>, <see cref="QueueNames.IndexImageGroup"/>) while the store is out, so that no delivery is held past RabbitMQ's consumer
/// timeout (30 min by default; the broker would close the channel). A consumer that meets a lasting outage gives its batch
/// back (<see cref="GiveBack{T}"/>) and calls <see cref="Pause"/>; a background task stops both endpoints (their channels
/// close, and the broker keeps every unacknowledged message), probes the store with the outage's backoff, and starts
/// them again once a probe answers. The next batch is the real test: if it fails, the queues are paused again.
/// Only over RabbitMQ: the in-memory transport cannot take messages back, so there the batch is retried in place.
/// </summary>
public sealed class OutagePause(
    StoreOutage outage,
    IServiceProvider services,
    IOptions<IndexerOptions> options,
    IOptions<BusOptions> bus,
    IHostApplicationLifetime lifetime,
    ILogger<OutagePause> logger)
{
    private int _running;

    public ReceiveEndpointSwitch Endpoint { get; } = new(QueueNames.IndexImage, logger);

    public ReceiveEndpointSwitch GroupEndpoint { get; } = new(QueueNames.IndexImageGroup, logger);

    private IEnumerable<ReceiveEndpointSwitch> Endpoints => [Endpoint, GroupEndpoint];

    /// <summary>Whether a batch can be given back to the broker (RabbitMQ) rather than retried in place.</summary>
    public bool CanPause => bus.Value.Transport == BusTransport.RabbitMq;

    /// <summary>True while the queues are being paused or are paused: a batch delivered now goes straight back.</summary>
    public bool IsPaused => Volatile.Read(ref _running) == 1 || Endpoints.Any(e => e.IsPaused);

    /// <summary>Starts pausing the queues until the store answers; returns at once (stopping waits for the consumer that calls this).</summary>
    public void Pause()
    {
        if (Interlocked.Exchange(ref _running, 1) == 0)
            _ = Task.Run(() => PauseUntilTheStoreAnswersAsync(lifetime.ApplicationStopping));
    }

    /// <summary>
    /// Hands every message of the batch back to the broker: their deliveries are cancelled, so MassTransit neither
    /// acknowledges them nor moves them to the error queue, and they return to the queue when the channel closes (the pause).
    /// Throw what it returns.
    /// </summary>
    public static OperationCanceledException GiveBack<T>(ConsumeContext<Batch<T>> context)
        where T : class
    {
        foreach (var message in context.Message)
            if (message.ReceiveContext is BaseReceiveContext delivery)
                delivery.Cancel();
        return new OperationCanceledException("the store is unavailable: the batch goes back to the broker", context.CancellationToken);
    }

    private async Task PauseUntilTheStoreAnswersAsync(CancellationToken stopping)
    {
        try
        {
            foreach (var endpoint in Endpoints)
                await endpoint.PauseAsync("the store is unavailable", stopping);
            do
                await Task.Delay(outage.NextDelay, stopping);
            while (!await StoreAnswersAsync(stopping));
            Volatile.Write(ref _running, 0);
            foreach (var endpoint in Endpoints)
                await endpoint.ResumeAsync("the store answers a probe", stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host is stopping: the paused endpoint stays stopped, and its messages stay with the broker.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Pausing or resuming the index queues failed: they may stay stopped until the indexer restarts");
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task<bool> StoreAnswersAsync(CancellationToken stopping)
    {
        try
        {
            // Resolved here, not injected: the bus builds this with its endpoints, before IndexerStoreOpener has opened the store.
            await services.GetRequiredService<IVectorStore>().DescribeAsync(options.Value.DefaultCollection, stopping);
            return true;
        }
        catch (StoreUnavailableException e)
        {
            outage.Failed(e);
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not an outage: let the next batch meet the error where the consumer's policy applies.
            logger.LogWarning("Probing the store failed with {Error}; resuming the index queues", e.Message);
            return true;
        }
    }
}
