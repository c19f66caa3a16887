using ImageSearch.Contracts;
using ImageSearch.Ingestion.Publishing;
using ImageSearch.Ingestion.Sources;
using ImageSearch.QueryApi.Metrics;
using MassTransit;

namespace ImageSearch.QueryApi.Insert;

/// <summary>
/// The asynchronous insert: records the batch for tracking, then hands every image to the embedders as
/// <see cref="EmbedImage"/> through the ingestor's <see cref="BulkPublisher"/> (batches, publisher confirms). The request
/// returns once the broker has confirmed every message; the work itself happens in the pipeline.
/// </summary>
public sealed class InsertQueue(InsertTracking tracking, ActiveCollection collection, IPublishEndpoint publishEndpoint, ApiMetrics metrics)
{
    private static readonly BulkPublishOptions Batches = new(BatchSize: 500, MaxBatchesInFlight: 4);

    public async Task<QueuedInsert> EnqueueAsync(IReadOnlyList<InsertItem> items, CancellationToken cancellationToken)
    {
        // The id is computed here once and passed as the source's key, so the tracking rows and the messages agree.
        var images = items.Select(i => new SourceImage(i.Path, ImageIds.FromPath(i.Path).ToString(), i.Label)).ToList();
        var trackingId = tracking.Create(collection.Name, images.Select(i => long.Parse(i.Key!)), DateTimeOffset.UtcNow);
        var summary = await new BulkPublisher(publishEndpoint).PublishAsync(
            new ListSource(images), Batches with { Collection = collection.Name }, new PublishTally(), cancellationToken);
        metrics.Queued(summary.Published);
        return new QueuedInsert(trackingId, summary.Published, summary.Failed, summary.FailedBy.FirstOrDefault()?.Reason);
    }

    private sealed class ListSource(IReadOnlyList<SourceImage> images) : IImageSource
    {
        public string Description => $"{images.Count} images from an HTTP insert";

        public IEnumerable<SourceItem> Read(CancellationToken cancellationToken) => images;

        public long? EstimateCount(CancellationToken cancellationToken) => images.Count;
    }
}

/// <param name="Failed">Messages the broker did not confirm (the request can be repeated: ids are stable).</param>
public sealed record QueuedInsert(string TrackingId, long Published, long Failed, string? FailureReason);
