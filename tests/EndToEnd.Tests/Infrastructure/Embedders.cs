using ImageSearch.Pipeline.Tests.Infrastructure;
using ImageSearch.Tests;

namespace ImageSearch.EndToEnd.Tests.Infrastructure;

/// <summary>Embedder worker processes pointed at a test's virtual host.</summary>
public static class Embedders
{
    public const string ImagesEmbedded = "imagesearch_embedder_images_embedded_total";

    /// <summary>Starts one and waits until it is ready (model warm, bus connected).</summary>
    public static Task<WorkerProcess> StartAsync(Broker broker, Dictionary<string, string?> settings, string workingDirectory) =>
        WorkerProcess.StartAsync("ImageSearch.Embedder.dll", broker.Settings.Concat(settings), "Embedder:MetricsPort", workingDirectory,
            TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

    public static Task<double> MetricAsync(this WorkerProcess embedder, string sample) =>
        embedder.MetricAsync(sample, TestContext.Current.CancellationToken);
}
