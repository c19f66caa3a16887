using ImageSearch.Contracts;
using ImageSearch.Ingestion.Sources;
using MassTransit;

namespace ImageSearch.Ingestion.Publishing;

/// <summary>
/// Streams a source onto the bus as <see cref="EmbedImage"/> messages: batches of <see cref="BulkPublishOptions.BatchSize"/>,
/// each published as a whole and counted as published only once the broker has confirmed every message of it, with at most
/// <see cref="BulkPublishOptions.MaxBatchesInFlight"/> batches awaiting confirms. Memory does not grow with the source.
/// </summary>
/// <param name="publishEndpoint">Where to publish; null for a dry run (everything is read and counted, nothing is sent).</param>
public sealed class BulkPublisher(IPublishEndpoint? publishEndpoint)
{
    // After this many failed batches in a row the broker is taken to be gone: stop reading instead of failing a million lines.
    private const int MaxConsecutiveFailures = 3;
    private int _consecutiveFailures;

    public async Task<PublishSummary> PublishAsync(
        IImageSource source, BulkPublishOptions options, PublishTally tally, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBatchesInFlight);
        var inFlight = new List<Task>(options.MaxBatchesInFlight);
        var batch = new List<EmbedImage>(options.BatchSize);
        var cancelled = false;
        try
        {
            foreach (var item in source.Read(cancellationToken))
            {
                if (Volatile.Read(ref _consecutiveFailures) >= MaxConsecutiveFailures)
                    break;
                if (item is SourceSkip skip)
                {
                    tally.AddSkipped(skip.Reason, skip.Location);
                    continue;
                }
                batch.Add(ToMessage((SourceImage)item, options));
                if (batch.Count < options.BatchSize)
                    continue;
                if (inFlight.Count == options.MaxBatchesInFlight)
                    inFlight.Remove(await Task.WhenAny(inFlight));
                inFlight.Add(PublishBatchAsync(batch, tally));
                batch = new List<EmbedImage>(options.BatchSize);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stop reading; what was read is still published below, so the summary is exact.
            cancelled = true;
        }
        if (batch.Count > 0 && Volatile.Read(ref _consecutiveFailures) < MaxConsecutiveFailures)
            inFlight.Add(PublishBatchAsync(batch, tally));
        await Task.WhenAll(inFlight);
        return tally.ToSummary(publishEndpoint is null, cancelled, Volatile.Read(ref _consecutiveFailures) >= MaxConsecutiveFailures);
    }

    // Never cancelled: a batch handed to the broker is seen through to its confirms, so "published" stays exact on Ctrl+C.
    private async Task PublishBatchAsync(List<EmbedImage> batch, PublishTally tally)
    {
        try
        {
            if (publishEndpoint is not null)
                await publishEndpoint.PublishBatch(batch, CancellationToken.None);
            tally.AddPublished(batch.Count);
            Volatile.Write(ref _consecutiveFailures, 0);
        }
        catch (Exception e)
        {
            // Translated into the summary (reason and an example path); the exit code reports it.
            tally.AddFailed($"{e.GetType().Name}: {e.Message}", batch[0].Path, batch.Count);
            Interlocked.Increment(ref _consecutiveFailures);
        }
    }

    private static EmbedImage ToMessage(SourceImage image, BulkPublishOptions options) => new(
        ImageId: image.Key is { } key ? ImageIds.FromKey(key) : ImageIds.FromPath(image.Path),
        Path: image.Path,
        Label: image.Label ?? options.Label,
        Collection: options.Collection);
}
