namespace ImageSearch.EndToEnd.Tests;

/// <summary>Embedder worker processes pointed at a test's virtual host.</summary>
public static class Embedders
{
    public const string ImagesEmbedded = "imagesearch_embedder_images_embedded_total";

    /// <summary>Starts one from its own build and waits until it is ready (model warm, bus connected).</summary>
    /// <param name="workingDirectory">Where it runs; its project folder, as <c>dotnet run</c> starts it, when null.</param>
    public static Task<WorkerProcess> StartAsync(Broker broker, Dictionary<string, string?> settings, string? workingDirectory = null) =>
        WorkerProcess.StartAsync(ServiceBuild.Embedder, broker.Settings.Concat(settings), "Embedder:MetricsPort", workingDirectory,
            TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

    public static Task<double> MetricAsync(this WorkerProcess embedder, string sample) =>
        embedder.MetricAsync(sample, TestContext.Current.CancellationToken);
}
