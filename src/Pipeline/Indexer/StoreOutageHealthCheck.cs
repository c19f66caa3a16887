using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>
/// Readiness of the indexer's writes (tag "ready"): Healthy while the store takes them, Degraded during an outage,
/// Unhealthy once the outage has lasted longer than <see cref="IndexerOptions.OutageAlarmAfter"/>. Either way the
/// description says for how long, how many retries, and the last error.
/// </summary>
internal sealed class StoreOutageHealthCheck(StoreOutage outage, IOptions<IndexerOptions> options) : IHealthCheck
{
    public const string Name = "indexer-store";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        if (outage.Current is not { } state)
            return Task.FromResult(HealthCheckResult.Healthy("the store takes writes"));
        var description = $"the store has been unavailable for {StoreOutage.Describe(state.Lasted)} ({state.Retries} retries; " +
            $"vectors wait in the queue), last error: {state.LastError}";
        var data = new Dictionary<string, object> { ["since"] = state.Since, ["retries"] = state.Retries };
        return Task.FromResult(state.Alarm
            ? HealthCheckResult.Unhealthy($"{description}; longer than Indexer:OutageAlarmAfter ({StoreOutage.Describe(options.Value.OutageAlarmAfter)})", data: data)
            : HealthCheckResult.Degraded(description, data: data));
    }
}
