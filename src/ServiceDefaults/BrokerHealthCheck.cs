using ImageSearch.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageSearch.ServiceDefaults;

/// <summary>
/// The broker answers (a passive declare over the <see cref="BrokerConnection"/>): Degraded while it does not.
/// MassTransit's own bus check judges by receive endpoints, so a process that only publishes (the query API) would stay
/// Healthy through a broker outage without this.
/// </summary>
public sealed class BrokerHealthCheck(BrokerConnection broker) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        if (!broker.Enabled)
            return HealthCheckResult.Healthy("in-memory transport: no broker to reach");
        try
        {
            var waiting = await broker.ReadyMessagesAsync(QueueNames.EmbedImage, cancellationToken);
            return HealthCheckResult.Healthy("the broker answers", new Dictionary<string, object> { [QueueNames.EmbedImage] = waiting ?? 0 });
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"the broker does not answer: {e.Message}");
        }
    }
}
