using ImageSearch.VectorStore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageSearch.QueryApi.Health;

/// <summary>The store answers, and says what the served collection holds.</summary>
internal sealed class StoreHealthCheck(IVectorStore store, ActiveCollection collection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            var info = await store.DescribeAsync(collection.Name, cancellationToken);
            var data = new Dictionary<string, object> { ["collection"] = collection.Name, ["count"] = info?.Count ?? 0, ["store"] = store.GetType().Name };
            if (info is null)
                return HealthCheckResult.Healthy("the collection is not created yet (it is on the first insert)", data);
            data["model"] = info.Spec.Model;
            return CollectionMismatch.Differences(collection.Spec, info.Spec) is { Count: > 0 } differences
                ? HealthCheckResult.Unhealthy($"queries cannot be compared with the stored vectors: {string.Join("; ", differences)}", data: data)
                : HealthCheckResult.Healthy($"{info.Count:N0} images", data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the store does not answer: {e.Message}", e);
        }
    }
}
