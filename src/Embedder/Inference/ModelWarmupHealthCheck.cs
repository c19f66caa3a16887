using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageSearch.Embedder.Inference;

/// <summary>Ready once <see cref="ModelWarmup"/> has run a batch through the model.</summary>
internal sealed class ModelWarmupHealthCheck(ModelWarmup warmup, ImageEmbedder embedder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmup.IsWarm
            ? HealthCheckResult.Healthy($"{embedder.Model.Id} on {embedder.Model.ExecutionProvider}")
            : HealthCheckResult.Unhealthy("the model is warming up"));
}
