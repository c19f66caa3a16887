using ImageSearch.Contracts;
using ImageSearch.QueryApi.Search;
using Prometheus;

namespace ImageSearch.QueryApi.Metrics;

/// <summary>
/// The API's Prometheus metrics, in a registry of its own (one per host, so test hosts in one process do not share counts).
/// Pipeline-wide figures (dead letters, queue and error queue depths, collection size) are read at scrape time by <see cref="PipelineGauges"/>.
/// </summary>
public sealed class ApiMetrics
{
    private readonly Counter _searches;
    private readonly Histogram _searchSeconds;
    private readonly Counter _inserted;

    public ApiMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _searches = factory.CreateCounter("imagesearch_searches_total",
            "Searches answered (outcome ok) or refused for the query image's reason.", new CounterConfiguration { LabelNames = ["outcome"] });
        _searchSeconds = factory.CreateHistogram("imagesearch_search_duration_seconds",
            "Search latency inside the server by stage: embed (decode + preprocess + inference), search (vector store), total.",
            new HistogramConfiguration { LabelNames = ["stage"], Buckets = Histogram.ExponentialBuckets(0.001, 1.6, 20) });
        _inserted = factory.CreateCounter("imagesearch_inserted_images_total",
            "Images handled by /insert: stored (synchronous), queued (as EmbedImage), or rejected with a reason.",
            new CounterConfiguration { LabelNames = ["outcome", "reason"] });
        DeadLetters = factory.CreateGauge("imagesearch_dead_letters",
            "Dead letters in the journal by reason and state (open or replayed).", new GaugeConfiguration { LabelNames = ["reason", "state"] });
        QueueDepth = factory.CreateGauge("imagesearch_queue_messages",
            "Messages ready in a pipeline queue (RabbitMQ only).", new GaugeConfiguration { LabelNames = ["queue"] });
        ErrorQueueDepth = factory.CreateGauge("imagesearch_error_queue_messages",
            "Faulted messages waiting in a pipeline error queue (RabbitMQ only); 0 while the queue does not exist.",
            new GaugeConfiguration { LabelNames = ["queue"] });
        CollectionImages = factory.CreateGauge("imagesearch_collection_images", "Images stored in the served collection.");
    }

    public CollectorRegistry Registry { get; }

    public Gauge DeadLetters { get; }

    public Gauge QueueDepth { get; }

    public Gauge ErrorQueueDepth { get; }

    public Gauge CollectionImages { get; }

    public void Searched(SearchTimings timings)
    {
        _searches.WithLabels("ok").Inc();
        _searchSeconds.WithLabels("embed").Observe(timings.EmbedMs / 1000);
        _searchSeconds.WithLabels("search").Observe(timings.SearchMs / 1000);
        _searchSeconds.WithLabels("total").Observe(timings.TotalMs / 1000);
    }

    public void SearchRejected(DeadLetterReason reason) => _searches.WithLabels(reason.ToString()).Inc();

    public void Stored(int count) => _inserted.WithLabels("stored", "").Inc(count);

    public void Queued(long count) => _inserted.WithLabels("queued", "").Inc(count);

    public void Rejected(DeadLetterReason reason) => _inserted.WithLabels("rejected", reason.ToString()).Inc();
}
