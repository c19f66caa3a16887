using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace ImageSearch.Embedding.Inference;

/// <summary>
/// Loads the model and runs one full batch of a synthetic image at start, so that the first real batch does not pay for
/// session creation, memory-arena growth or CUDA kernel selection. Registered before the bus, so a worker consumes nothing
/// until it is done; <see cref="ModelWarmupHealthCheck"/> reports not ready until then. A model that cannot run stops the start.
/// Then it returns the memory that loading the model left behind.
/// </summary>
internal sealed class ModelWarmup(ImageEmbedder embedder, IOptions<EmbeddingOptions> options, ILogger<ModelWarmup> logger) : IHostedService
{
    private volatile bool _warm;

    public bool IsWarm => _warm;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var image = SyntheticImage(embedder.Descriptor.Width, embedder.Descriptor.Height);
        var batch = Enumerable.Repeat(image, options.Value.MaxBatchSize).ToList();
        var results = await embedder.EmbedEncodedAsync(batch, cancellationToken);
        if (results.FirstOrDefault(r => !r.Succeeded) is { } refused)
            throw new InvalidOperationException($"the warm-up image was refused ({refused.Reason}: {refused.Error})");
        // Loading read the ONNX file and rewrote its protobuf (batch dimension): hundreds of MB of large-object garbage that a
        // quiet worker would otherwise keep resident for hours (ResNet18: 1,040 → 590 MiB RSS). Once, before any work arrives.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _warm = true;
        logger.LogInformation("Model {ModelId} ({Dimension}-d, {Provider}) warmed up with a batch of {Count} in {ElapsedMs} ms",
            embedder.Model.Id, embedder.Model.Dimension, embedder.Model.ExecutionProvider, batch.Count, clock.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A PNG of random pixels at the model's input size: real decode and preprocessing work, no file needed.</summary>
    private static ReadOnlyMemory<byte> SyntheticImage(int width, int height)
    {
        using var pixels = new Mat(height, width, MatType.CV_8UC3);
        Cv2.Randu(pixels, Scalar.All(0), Scalar.All(255));
        Cv2.ImEncode(".png", pixels, out var png);
        return png;
    }
}
