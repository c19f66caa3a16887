using ImageSearch.DeadLetters.ErrorQueues;
using ImageSearch.ServiceDefaults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageSearch.QueryApi.Health;

/// <summary>
/// Degraded while any error queue holds messages: the API still answers, but images are stuck where only an operator
/// moves them (<c>GET /errors</c>, <c>ingestor errors</c>). Degraded, not unhealthy, also when the queues cannot be read:
/// the broker check already reports an unreachable broker.
/// </summary>
internal sealed class ErrorQueueHealthCheck(BrokerConnection broker, ErrorQueueReader errorQueues) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        if (!broker.Enabled)
            return HealthCheckResult.Healthy("the in-memory bus has no error queues to read");
        try
        {
            var depths = await errorQueues.DepthsAsync(cancellationToken);
            var data = depths.ToDictionary(d => d.Queue, d => (object)d.Ready);
            var waiting = depths.Where(d => d.Ready > 0).ToList();
            return waiting.Count == 0
                ? HealthCheckResult.Healthy("no faulted messages", data)
                : HealthCheckResult.Degraded(
                    $"faulted messages wait: {string.Join(", ", waiting.Select(d => $"{d.Ready:N0} in {d.Queue}"))}; see GET /errors", data: data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"the error queues cannot be read: {e.Message}", e);
        }
    }
}
