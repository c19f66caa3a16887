using ImageSearch.Contracts;
using ImageSearch.Ingestion.Sources;
using MassTransit;

namespace ImageSearch.Ingestion.Publishing;

/// <summary>
/// Streams a source onto the bus as <see cref="EmbedImage"/> messages, or <see cref="EmbedImageGroup"/> messages of
/// <see cref="BulkPublishOptions.ImagesPerMessage"/> images: batches of <see cref="BulkPublishOptions.ImagesPerBatch"/> images,
/// each published as a whole and counted as published only once the broker has confirmed every message of it, with at most
/// <see cref="BulkPublishOptions.MaxBatchesInFlight"/> batches awaiting confirms. Memory does not grow with the source.
/// Positions (<see cref="PositionRange"/>) say exactly what was published; a <see cref="CheckpointWriter"/> records the
/// last contiguous confirmed one, and a run can resume after it.
/// </summary>
/// <param name="publishEndpoint">Where to publish; null for a dry run (everything is read and counted, nothing is sent).</param>
public sealed class BulkPublisher(IPublishEndpoint? publishEndpoint)
{
    /// <summary>
    /// After cancellation, how long batches already handed to the broker may take to be confirmed. A healthy broker confirms
    /// in milliseconds, so they are counted exactly; past this (a broker gone silent) they are reported as not confirmed.
    /// </summary>
    public static readonly TimeSpan ConfirmGrace = TimeSpan.FromMilliseconds(800);

    // After this many failed batches in a row the broker is taken to be gone: stop reading instead of failing a million lines.
    private const int MaxConsecutiveFailures = 3;
    private int _consecutiveFailures;

    /// <param name="cancellationToken">Stops reading: nothing more is handed to the broker, and the run ends within <see cref="ConfirmGrace"/>.</param>
    /// <param name="checkpoint">Where to record progress; null records none (a dry run, an HTTP insert).</param>
    /// <param name="resumeFrom">Skip the items this checkpoint has as done; null starts at the first item.</param>
    /// <exception cref="ArgumentException">Invalid options (a bad collection name): nothing was published.</exception>
    /// <exception cref="CheckpointMismatchException">The source no longer has <paramref name="resumeFrom"/>'s item at its position: nothing was published.</exception>
    public async Task<PublishSummary> PublishAsync(
        IImageSource source, BulkPublishOptions options, PublishTally tally, CancellationToken cancellationToken,
        CheckpointWriter? checkpoint = null, PublishCheckpoint? resumeFrom = null)
    {
        options.Validate();
        var start = resumeFrom?.Position ?? 0;
        var ledger = new PositionLedger(start, resumeFrom?.LastItem);
        using var abandon = new CancellationTokenSource();
        await using var graceOnCancel = cancellationToken.Register(() => abandon.CancelAfter(ConfirmGrace));
        var inFlight = new List<Task>(options.MaxBatchesInFlight);
        var batch = new List<EmbedImage>(options.ImagesPerBatch);
        long position = 0, segmentStart = start + 1;
        string? segmentFirstItem = null, lastItem = null;
        var cancelled = false;
        try
        {
            foreach (var item in source.Read(cancellationToken))
            {
                if (StoppedOnFailures)
                    break;
                var location = LocationOf(item);
                if (++position <= start)
                {
                    if (position == start && location != resumeFrom!.LastItem)
                        throw Changed(resumeFrom, $"item {start:N0} is now {location}");
                    continue;
                }
                segmentFirstItem ??= location;
                lastItem = location;
                if (item is SourceSkip skip)
                {
                    tally.AddSkipped(skip.Reason, skip.Location);
                    continue;
                }
                batch.Add(ToMessage((SourceImage)item, options));
                if (batch.Count < options.ImagesPerBatch)
                    continue;
                if (inFlight.Count == options.MaxBatchesInFlight) // waiting for room ends at an interrupt too
                    inFlight.Remove(await Task.WhenAny(inFlight).WaitAsync(cancellationToken));
                inFlight.Add(PublishBatchAsync(batch, options.ImagesPerMessage, new PositionRange(segmentStart, position, segmentFirstItem, location), tally, ledger, checkpoint, abandon.Token));
                (batch, segmentStart, segmentFirstItem) = (new List<EmbedImage>(options.ImagesPerBatch), position + 1, null);
            }
            if (position < start)
                throw Changed(resumeFrom!, $"it has only {position:N0} items now");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stop reading; batches already handed over are seen through to their confirms below, so the summary is exact.
            cancelled = true;
        }

        long? notSentFrom = segmentStart;
        if (!cancelled && !StoppedOnFailures)
        {
            notSentFrom = null;
            var tail = new PositionRange(segmentStart, position, segmentFirstItem ?? "", lastItem ?? "");
            if (batch.Count > 0)
                inFlight.Add(PublishBatchAsync(batch, options.ImagesPerMessage, tail, tally, ledger, checkpoint, abandon.Token));
            else if (segmentStart <= position && ledger.Close(tail, published: true)) // only skipped lines after the last batch
                checkpoint?.Save(ledger.Frontier, ledger.FrontierItem, final: false);
        }
        await Task.WhenAll(inFlight);
        checkpoint?.Save(ledger.Frontier, ledger.FrontierItem, final: true);
        return tally.ToSummary(publishEndpoint is null, cancelled, StoppedOnFailures, ledger.Report(notSentFrom));
    }

    private bool StoppedOnFailures => Volatile.Read(ref _consecutiveFailures) >= MaxConsecutiveFailures;

    // Cancelled only ConfirmGrace after the run was: a batch handed to the broker is seen through to its confirms if it can be.
    private async Task PublishBatchAsync(
        List<EmbedImage> batch, int imagesPerMessage, PositionRange positions, PublishTally tally, PositionLedger ledger, CheckpointWriter? checkpoint, CancellationToken abandon)
    {
        var published = false;
        try
        {
            if (publishEndpoint is not null)
                await (imagesPerMessage > 1
                    ? publishEndpoint.PublishBatch(batch.Chunk(imagesPerMessage).Select(images => new EmbedImageGroup(images)), abandon)
                    : publishEndpoint.PublishBatch(batch, abandon));
            tally.AddPublished(batch.Count);
            Volatile.Write(ref _consecutiveFailures, 0);
            published = true;
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            tally.AddFailed("interrupted before the broker confirmed them (the queue may hold some)", positions.FirstItem, batch.Count);
        }
        catch (Exception e)
        {
            // Translated into the summary (reason and an example path); the exit code reports it.
            tally.AddFailed($"{e.GetType().Name}: {e.Message}", positions.FirstItem, batch.Count);
            Interlocked.Increment(ref _consecutiveFailures);
        }
        if (ledger.Close(positions, published))
            checkpoint?.Save(ledger.Frontier, ledger.FrontierItem, final: false);
    }

    // The id is part of an image's location: a CSV may name one file under many ids, and a resume must find the same row.
    private static string LocationOf(SourceItem item) => item switch
    {
        SourceImage { Key: { } key } image => $"{image.Path} (id {key})",
        SourceImage image => image.Path,
        SourceSkip skip => skip.Location,
        _ => throw new ArgumentOutOfRangeException(nameof(item), item, "unknown source item"),
    };

    private static CheckpointMismatchException Changed(PublishCheckpoint checkpoint, string now) => new(
        $"the source changed since its checkpoint (item {checkpoint.Position:N0} was {checkpoint.LastItem}; {now}): " +
        "publish it again without --resume (ids are stable, so nothing is stored twice)");

    private static EmbedImage ToMessage(SourceImage image, BulkPublishOptions options) => new(
        ImageId: image.Key is { } key ? ImageIds.FromKey(key) : ImageIds.FromPath(image.Path),
        Path: image.Path,
        Label: image.Label ?? options.Label,
        Collection: options.Collection);
}
