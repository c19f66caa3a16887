using System.Collections.Concurrent;
using ImageSearch.Contracts;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace ImageSearch.ServiceDefaults.Monitoring;

/// <summary>
/// <c>imagesearch_error_queue_messages{queue}</c> on a worker's /metrics: the error queue of each queue this process
/// consumes, read from the broker (a passive declare each) just before a scrape. Started by the monitoring endpoint, so
/// only a process that serves /metrics reads anything; the query API exports every error queue of the pipeline itself.
/// </summary>
internal sealed class ErrorQueueGauge(BrokerConnection broker, ILogger<ErrorQueueGauge> logger)
{
    private static readonly Gauge Depth = Metrics.CreateGauge("imagesearch_error_queue_messages",
        "Faulted messages waiting in the error queue of a queue this process consumes (RabbitMQ only); 0 while it does not exist.",
        new GaugeConfiguration { LabelNames = ["queue"] });

    private readonly ConcurrentDictionary<string, bool> _errorQueues = new();
    private volatile bool _stopped;

    /// <summary>Adds the error queue of <paramref name="queue"/>, an endpoint of this process's bus.</summary>
    public void Consumes(string queue) => _errorQueues.TryAdd(QueueNames.ErrorQueueOf(queue), true);

    // The default registry lives as long as the process, and callbacks cannot be removed from it: a stopped gauge
    // (a host that ended in a process that goes on, as in tests) stays registered but reads nothing.
    public void Start() => Metrics.DefaultRegistry.AddBeforeCollectCallback(RefreshAsync);

    public void Stop() => _stopped = true;

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_stopped || !broker.Enabled)
            return;
        foreach (var queue in _errorQueues.Keys)
        {
            try
            {
                Depth.WithLabels(queue).Set(await broker.ReadyMessagesAsync(queue, cancellationToken) ?? 0);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Once per scrape at most: an unreachable broker must not cost a connect timeout per queue.
                logger.LogDebug("Error queue depths not read: {Reason}", e.Message); // the bus health check says the broker is down
                return;
            }
        }
    }
}
