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
        "imagesearch_indexer_outage_retries_total", "Store calls (batch writes and probes) that failed because the store was unavailable.");

    public static readonly Gauge StoreUp = Metrics.CreateGauge(
        "imagesearch_indexer_store_up", "1 while the store takes writes, 0 from the first failure of an outage until a write succeeds again.");

    public static readonly Gauge OutageAlarm = Metrics.CreateGauge(
        "imagesearch_indexer_store_outage_alarm", "1 once an outage has lasted longer than Indexer:OutageAlarmAfter, until it ends.");

    /// <summary>Defines the metrics at start, with a zero series per dead-letter reason and the store assumed up.</summary>
    public static void Initialize()
    {
        ReasonSeries.StartAtZero(DeadLetters);
        StoreUp.Set(1);
    }
}
