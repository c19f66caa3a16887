using ImageSearch.Embedder;
using ImageSearch.VectorStore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenCvSharp;

namespace ImageSearch.QueryApi.Health;

/// <summary>
/// Loads the model and opens the store while the host starts, then embeds one generated image, so the first search
/// pays no start-up cost. Doubles as the model's health check: unhealthy until the warm-up embedding succeeded.
/// </summary>
internal sealed class ModelWarmup(ImageEmbedder embedder, IVectorStore store, ILogger<ModelWarmup> logger) : IHostedService, IHealthCheck
{
    private volatile string? _failure = "warming up";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = store; // resolving the store opens its collections (and loads or builds their graphs) now rather than on the first request
        using var image = new Mat(256, 256, MatType.CV_8UC3, new OpenCvSharp.Scalar(40, 120, 200));
        Cv2.ImEncode(".png", image, out var png);
        var result = (await embedder.EmbedEncodedAsync([png], cancellationToken))[0];
        _failure = result.Succeeded ? null : $"the warm-up image failed: {result.Error}";
        logger.LogInformation("Model {Model} ({Dimension}-d, {Provider}) ready", embedder.Model.Id, embedder.Model.Dimension, embedder.Model.ExecutionProvider);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, object>
        {
            ["model"] = embedder.Model.Id,
            ["dimension"] = embedder.Model.Dimension,
            ["executionProvider"] = embedder.Model.ExecutionProvider.ToString(),
        };
        return Task.FromResult(_failure is null
            ? HealthCheckResult.Healthy($"{embedder.Model.Id} on {embedder.Model.ExecutionProvider}", data)
            : HealthCheckResult.Unhealthy(_failure, data: data));
    }
}
