using ImageSearch.ServiceDefaults.Monitoring;
using Prometheus;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>The indexer's Prometheus metrics, defined once for the process (prometheus-net's default registry).</summary>
internal static class IndexerMetrics
{
    public static readonly Counter VectorsIndexed = Metrics.CreateCounter(
        "imagesearch_indexer_vectors_indexed_total", "Vectors upserted into the store (a redelivered vector counts again).");

    public static readonly Counter DeadLetters = Metrics.CreateCounter(
        "imagesearch_indexer_dead_letters_total", "Vectors the indexer dead-lettered, by reason.", "reason");

    // 1 ms to ~16 s: an embedded-store upsert of a thousand rows takes milliseconds, a remote Milvus far longer.
    public static readonly Histogram UpsertDuration = Metrics.CreateHistogram(
        "imagesearch_indexer_upsert_duration_seconds", "Time of one store upsert (one collection of one batch), failed ones included.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 15) });

    public static readonly Counter OutageRetries = Metrics.CreateCounter(
        "imagesearch_indexer_outage_retries_total", "Batches retried because the store was unavailable.");

    /// <summary>Defines the metrics at start, with a zero series per dead-letter reason.</summary>
    public static void Initialize() => ReasonSeries.StartAtZero(DeadLetters);
}
