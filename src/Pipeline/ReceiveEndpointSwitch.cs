using MassTransit;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Pipeline;

/// <summary>
/// Pauses and resumes one receive endpoint; connect it to the endpoint (<c>ConnectReceiveEndpointObserver</c>) in the
/// consumer definition. Pausing stops the endpoint: it cancels its broker consumer, waits for the deliveries in flight,
/// then closes its channel, so RabbitMQ takes back every message still unacknowledged (prefetched, or given back by a
/// consumer) and holds it for later. Resuming starts the endpoint again on a new channel. Never call either from a
/// consumer of the same endpoint and wait: stopping waits for that consumer.
/// </summary>
public sealed class ReceiveEndpointSwitch(string queue, ILogger logger) : IReceiveEndpointObserver
{
    private readonly SemaphoreSlim _switching = new(1, 1);
    private IReceiveEndpoint? _endpoint;
    private volatile bool _paused;

    public string Queue => queue;

    /// <summary>True from the moment a pause begins until the endpoint has been started again.</summary>
    public bool IsPaused => _paused;

    public async Task PauseAsync(string reason, CancellationToken cancellationToken)
    {
        await _switching.WaitAsync(cancellationToken);
        try
        {
            if (IsPaused || _endpoint is not { } endpoint)
                return;
            _paused = true;
            logger.LogWarning("Pausing {Queue}: {Reason}. Its messages wait in the broker", queue, reason);
            await endpoint.Stop(cancellationToken);
        }
        finally
        {
            _switching.Release();
        }
    }

    public async Task ResumeAsync(string reason, CancellationToken cancellationToken)
    {
        await _switching.WaitAsync(cancellationToken);
        try
        {
            if (!IsPaused || _endpoint is not { } endpoint)
                return;
            // Cleared first: what the restarted endpoint delivers is no longer part of the pause.
            _paused = false;
            try
            {
                await endpoint.Start(cancellationToken).Ready;
            }
            catch
            {
                _paused = true;
                throw;
            }
            logger.LogInformation("Resumed {Queue}: {Reason}", queue, reason);
        }
        finally
        {
            _switching.Release();
        }
    }

    public Task Ready(ReceiveEndpointReady ready)
    {
        _endpoint = ready.ReceiveEndpoint;
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
