using ImageSearch.Embedding;
using ImageSearch.ServiceDefaults.Monitoring;
using Prometheus;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>The embedder's Prometheus metrics, defined once for the process (prometheus-net's default registry).</summary>
internal static class EmbedderMetrics
{
    public static readonly Counter ImagesEmbedded = Metrics.CreateCounter(
        "imagesearch_embedder_images_embedded_total", "Images turned into vectors and published for indexing.");

    public static readonly Counter DeadLetters = Metrics.CreateCounter(
        "imagesearch_embedder_dead_letters_total", "Images the embedder dead-lettered, by reason.", "reason");

    // 10 ms to ~80 s: a small CPU batch takes about a second, a large GPU batch tens of milliseconds.
    public static readonly Histogram BatchDuration = Metrics.CreateHistogram(
        "imagesearch_embedder_batch_duration_seconds", "Time to embed one consumed batch and publish its outputs.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 14) });

    // Decode and model only: the rest of BatchDuration is publishing the outputs (waiting for the broker's confirms).
    public static readonly Histogram EmbedDuration = Metrics.CreateHistogram(
        "imagesearch_embedder_embed_duration_seconds", "Time to read, decode and embed one consumed batch, without publishing its outputs.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 14) });

    public static readonly Gauge PausedForBacklog = Metrics.CreateGauge(
        "imagesearch_embedder_paused_for_backlog", "1 while this embedder has paused its embed queues because the index queues hold more than Embedder:MaxIndexBacklog vectors.");

    /// <summary>Defines the metrics at start, with a zero series per dead-letter reason.</summary>
    public static void Initialize() => ReasonSeries.StartAtZero(DeadLetters);
}
