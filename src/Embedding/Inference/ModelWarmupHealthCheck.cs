using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageSearch.Embedding.Inference;

/// <summary>Ready once <see cref="ModelWarmup"/> has run a batch through the model.</summary>
internal sealed class ModelWarmupHealthCheck(ModelWarmup warmup, ImageEmbedder embedder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["model"] = embedder.Model.Id,
            ["dimension"] = embedder.Model.Dimension,
            ["executionProvider"] = embedder.Model.ExecutionProvider.ToString(),
        };
        return Task.FromResult(warmup.IsWarm
            ? HealthCheckResult.Healthy($"{embedder.Model.Id} on {embedder.Model.ExecutionProvider}", data)
            : HealthCheckResult.Unhealthy("the model is warming up", data: data));
    }
}
