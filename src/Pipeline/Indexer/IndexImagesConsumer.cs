using ImageSearch.Contracts;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>
/// Upserts a batch of vectors: one store call per collection per batch. A vector that does not fit its collection
/// (other dimension or model) becomes a dead letter and the rest of the batch is indexed; a store outage fails the
/// whole batch, which the definition retries until the store is back (nothing is dead-lettered for an outage).
/// </summary>
public sealed class IndexImagesConsumer(
    IVectorStore store,
    EnsuredCollections collections,
    IOptions<IndexerOptions> options,
    ILogger<IndexImagesConsumer> logger) : IConsumer<Batch<ImageEmbedded>>
{
    private readonly string _defaultCollection = options.Value.DefaultCollection;

    public async Task Consume(ConsumeContext<Batch<ImageEmbedded>> context)
    {
        var deadLetters = new List<ImageDeadLettered>();
        foreach (var collection in context.Message.Select(m => m.Message).GroupBy(m => m.Collection ?? _defaultCollection))
            deadLetters.AddRange(await IndexAsync(collection.Key, LatestPerImage(collection), context.CancellationToken));
        // Published before the batch is acknowledged: if this fails, the batch is retried, and the journal
        // absorbs the repeated dead letters.
        if (deadLetters.Count > 0)
            await context.PublishBatch(deadLetters, context.CancellationToken);
    }

    private async Task<List<ImageDeadLettered>> IndexAsync(string collection, List<ImageEmbedded> images, CancellationToken cancellationToken)
    {
        var accepted = new List<ImageEmbedded>(images.Count);
        var rejected = new List<ImageDeadLettered>();
        // A message from a foreign or broken producer may carry no vector at all, whatever the contract says.
        foreach (var group in images.GroupBy(i => (i.Model, Dimension: i.Vector is null ? 0 : i.Vector.Length)))
        {
            if (group.Key.Dimension == 0)
            {
                rejected.AddRange(group.Select(i => DeadLetter(i, DeadLetterReason.InvalidMessage, "The message carries no vector.")));
                continue;
            }
            try
            {
                await collections.EnsureAsync(new CollectionSpec(collection, group.Key.Dimension, group.Key.Model), cancellationToken);
                accepted.AddRange(group);
            }
            catch (CollectionMismatchException mismatch)
            {
                rejected.AddRange(group.Select(i => DeadLetter(i, DeadLetterReason.CollectionMismatch, mismatch.Message)));
            }
        }

        if (accepted.Count > 0)
        {
            try
            {
                using (IndexerMetrics.UpsertDuration.NewTimer())
                    await store.UpsertAsync(collection, accepted.Select(i => new VectorRecord(i.ImageId, i.Vector, i.Path, i.Label)).ToList(), cancellationToken);
                IndexerMetrics.VectorsIndexed.Inc(accepted.Count);
                logger.LogInformation("Indexed {Count} vectors into {Collection}", accepted.Count, collection);
            }
            catch (CollectionMismatchException mismatch)
            {
                // Ensured earlier, changed since (dropped and recreated by someone else): ask again next time.
                collections.Forget(collection);
                rejected.AddRange(accepted.Select(i => DeadLetter(i, DeadLetterReason.CollectionMismatch, mismatch.Message)));
            }
        }

        foreach (var letter in rejected)
            IndexerMetrics.DeadLetters.WithLabels(letter.Reason.ToString()).Inc();
        if (rejected.Count > 0)
            logger.LogWarning("Dead-lettered {Count} vectors for {Collection}: {Message}", rejected.Count, collection, rejected[0].Message);
        return rejected;
    }

    // A redelivered or re-published copy of an image in the same batch: the last one wins, as the upsert would.
    private static List<ImageEmbedded> LatestPerImage(IEnumerable<ImageEmbedded> images)
    {
        var latest = new Dictionary<long, ImageEmbedded>();
        foreach (var image in images)
            latest[image.ImageId] = image;
        return latest.Values.ToList();
    }

    private static ImageDeadLettered DeadLetter(ImageEmbedded image, DeadLetterReason reason, string message) =>
        new(image.ImageId, image.Path, image.Label, image.Collection, PipelineStage.Index, reason, message, image.Attempt, DateTimeOffset.UtcNow);
}
