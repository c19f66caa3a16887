using ImageSearch.Contracts;
using ImageSearch.VectorStore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>
/// Writes one batch of vectors: one store call per collection. Each image is checked first (<see cref="RecordValidation"/>,
/// the collection's name, its dimension and model against the collection), and one that does not fit becomes a dead
/// letter while the rest is written, so that no single image can fail its batch. A store outage is not an image's fault:
/// <see cref="StoreUnavailableException"/> propagates, for the consumer's outage policy.
/// </summary>
public sealed class VectorBatchWriter(
    IVectorStore store,
    EnsuredCollections collections,
    IOptions<IndexerOptions> options,
    ILogger<VectorBatchWriter> logger)
{
    private readonly string _defaultCollection = options.Value.DefaultCollection;

    /// <returns>The dead letters of the images that were not written.</returns>
    /// <exception cref="StoreUnavailableException">The store is unavailable; the batch is to be written again.</exception>
    public async Task<List<ImageDeadLettered>> WriteAsync(IEnumerable<ImageEmbedded> images, CancellationToken cancellationToken)
    {
        var rejected = new List<ImageDeadLettered>();
        foreach (var collection in images.GroupBy(m => m.Collection ?? _defaultCollection))
            await WriteCollectionAsync(collection.Key, LatestPerImage(collection), rejected, cancellationToken);
        foreach (var letter in rejected)
            IndexerMetrics.DeadLetters.WithLabels(letter.Reason.ToString()).Inc();
        if (rejected.Count > 0)
            logger.LogWarning("Dead-lettered {Count} vectors: {Reason} {Message}", rejected.Count, rejected[0].Reason, rejected[0].Message);
        return rejected;
    }

    private async Task WriteCollectionAsync(string collection, List<ImageEmbedded> images, List<ImageDeadLettered> rejected, CancellationToken cancellationToken)
    {
        if (CollectionNames.Problem(collection) is { } badName)
        {
            rejected.AddRange(images.Select(i => DeadLetter(i, DeadLetterReason.InvalidMessage, badName)));
            return;
        }
        var accepted = new List<ImageEmbedded>(images.Count);
        foreach (var image in images)
        {
            if (Problem(image, collection) is { } problem)
                rejected.Add(DeadLetter(image, DeadLetterReason.InvalidMessage, problem));
            else
                accepted.Add(image);
        }
        var fitting = new List<ImageEmbedded>(accepted.Count);
        foreach (var group in accepted.GroupBy(i => (i.Model, i.Vector.Length)))
        {
            try
            {
                await collections.EnsureAsync(new CollectionSpec(collection, group.Key.Length, group.Key.Model), cancellationToken);
                fitting.AddRange(group);
            }
            catch (CollectionMismatchException mismatch)
            {
                rejected.AddRange(group.Select(i => DeadLetter(i, DeadLetterReason.CollectionMismatch, mismatch.Message)));
            }
        }
        if (fitting.Count == 0)
            return;
        var written = await UpsertAsync(collection, fitting, rejected, cancellationToken);
        IndexerMetrics.VectorsIndexed.Inc(written);
        logger.LogInformation("Indexed {Count} vectors into {Collection}", written, collection);
    }

    /// <summary>
    /// Upserts <paramref name="images"/>; when the store refuses a record by a rule of its own (say, the embedded store's
    /// int8 graph range), halves the list until the refused records are found, dead-letters them and writes the rest.
    /// </summary>
    /// <returns>How many vectors were written.</returns>
    private async Task<int> UpsertAsync(string collection, List<ImageEmbedded> images, List<ImageDeadLettered> rejected, CancellationToken cancellationToken)
    {
        try
        {
            using (IndexerMetrics.UpsertDuration.NewTimer())
                await store.UpsertAsync(collection, images.ConvertAll(i => new VectorRecord(i.ImageId, i.Vector, i.Path, i.Label)), cancellationToken);
            return images.Count;
        }
        catch (CollectionMismatchException mismatch)
        {
            // Ensured earlier, changed since (dropped and recreated by someone else): ask again next time.
            collections.Forget(collection);
            rejected.AddRange(images.Select(i => DeadLetter(i, DeadLetterReason.CollectionMismatch, mismatch.Message)));
            return 0;
        }
        catch (CollectionNotFoundException dropped)
        {
            // Ensured earlier, dropped since: write the batch again, which ensures the collection again.
            collections.Forget(collection);
            throw new StoreUnavailableException(dropped.Message, dropped);
        }
        catch (ArgumentException refused) when (images.Count == 1)
        {
            rejected.Add(DeadLetter(images[0], DeadLetterReason.InvalidMessage, $"the store refused the vector: {refused.Message}"));
            return 0;
        }
        catch (ArgumentException)
        {
            var half = images.Count / 2;
            return await UpsertAsync(collection, images[..half], rejected, cancellationToken)
                + await UpsertAsync(collection, images[half..], rejected, cancellationToken);
        }
    }

    /// <summary>Why the image cannot be stored whatever its collection holds, or null; the message may come from a foreign or broken producer.</summary>
    private static string? Problem(ImageEmbedded image, string collection) =>
        RecordValidation.IdProblem(image.ImageId)
        ?? RecordValidation.TextProblem(image.Path, image.Label)
        ?? (string.IsNullOrEmpty(image.Model) ? "the message names no model" : null)
        ?? RecordValidation.VectorProblem(image.Vector, image.Vector?.Length ?? 0, collection);

    // A redelivered or re-published copy of an image in the same batch: the last one wins, as the upsert would.
    private static List<ImageEmbedded> LatestPerImage(IEnumerable<ImageEmbedded> images)
    {
        var latest = new Dictionary<long, ImageEmbedded>();
        foreach (var image in images)
            latest[image.ImageId] = image;
        return latest.Values.ToList();
    }

    private static ImageDeadLettered DeadLetter(ImageEmbedded image, DeadLetterReason reason, string message) =>
        new(image.ImageId, image.Path ?? "", image.Label, image.Collection, PipelineStage.Index, reason, message, Math.Max(image.Attempt, 1), DateTimeOffset.UtcNow);
}
