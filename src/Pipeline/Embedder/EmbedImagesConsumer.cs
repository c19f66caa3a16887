using ImageSearch.Embedding;
using System.Diagnostics;
using ImageSearch.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Embeds a batch of images with one <see cref="ImageEmbedder.EmbedFilesAsync"/> call and publishes one output per message:
/// <see cref="ImageEmbedded"/>, or <see cref="ImageDeadLettered"/> with the reason. MassTransit acknowledges or fails a batch
/// as a whole, so a bad image or an invalid message is never an exception here: it becomes its own dead letter and the rest
/// of the batch goes on. Only failures that concern the whole batch (inference, publishing) throw, for the definition to retry.
/// </summary>
public sealed class EmbedImagesConsumer(ImageEmbedder embedder, ILogger<EmbedImagesConsumer> logger) : IConsumer<Batch<EmbedImage>>
{
    // Outputs published at once: enough to keep the broker's confirms pipelined, bounded for very large batches.
    private const int MaxPublishesInFlight = 64;

    public async Task Consume(ConsumeContext<Batch<EmbedImage>> context)
    {
        var clock = Stopwatch.StartNew();
        var images = context.Message.Select(m => m.Message).ToList();
        var outputs = await EmbedAsync(images, context.CancellationToken);

        // All outputs are confirmed by the broker before the batch is acknowledged: a crash in between redelivers the
        // batch, and the store and the journal absorb the repeats (stable ids, keyed dead letters).
        await Parallel.ForEachAsync(outputs,
            new ParallelOptions { MaxDegreeOfParallelism = MaxPublishesInFlight, CancellationToken = context.CancellationToken },
            async (output, token) => await context.Publish(output, output.GetType(), token));

        var deadLetters = outputs.OfType<ImageDeadLettered>().ToList();
        EmbedderMetrics.ImagesEmbedded.Inc(outputs.Length - deadLetters.Count);
        foreach (var letter in deadLetters)
        {
            EmbedderMetrics.DeadLetters.WithLabels(letter.Reason.ToString()).Inc();
            logger.LogDebug("Dead-lettered {ImageId} {Path}: {Reason} {Message}", letter.ImageId, letter.Path, letter.Reason, letter.Message);
        }
        EmbedderMetrics.BatchDuration.Observe(clock.Elapsed.TotalSeconds);
        logger.LogInformation("Embedded a batch of {Count}: {Embedded} embedded, {DeadLettered} dead-lettered in {ElapsedMs} ms",
            outputs.Length, outputs.Length - deadLetters.Count, deadLetters.Count, clock.ElapsedMilliseconds);
    }

    /// <summary>One output per image, in order. Each distinct path is embedded once, even if the batch holds it twice.</summary>
    private async Task<object[]> EmbedAsync(List<EmbedImage> images, CancellationToken cancellationToken)
    {
        var outputs = new object[images.Count];
        var paths = new List<string>(images.Count);
        var slotOfPath = new Dictionary<string, int>(StringComparer.Ordinal);
        var pathSlot = new int[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            if (EmbedImageValidation.Problem(images[i]) is { } problem)
            {
                outputs[i] = DeadLetter(images[i], DeadLetterReason.InvalidMessage, problem);
                continue;
            }
            if (!slotOfPath.TryGetValue(images[i].Path, out var slot))
            {
                slotOfPath.Add(images[i].Path, slot = paths.Count);
                paths.Add(images[i].Path);
            }
            pathSlot[i] = slot;
        }

        var results = paths.Count == 0 ? [] : await embedder.EmbedFilesAsync(paths, cancellationToken);
        var model = embedder.Model.Id;
        for (var i = 0; i < images.Count; i++)
        {
            if (outputs[i] is not null)
                continue;
            var (image, result) = (images[i], results[pathSlot[i]]);
            outputs[i] = result.Vector is { } vector
                ? new ImageEmbedded(image.ImageId, image.Path, image.Label, image.Collection, model, vector, image.Attempt)
                : DeadLetter(image, result.Reason ?? DeadLetterReason.Corrupt, result.Error ?? "the image could not be embedded");
        }
        return outputs;
    }

    private static ImageDeadLettered DeadLetter(EmbedImage image, DeadLetterReason reason, string message) =>
        new(image.ImageId, image.Path ?? "", image.Label, image.Collection, PipelineStage.Embed, reason, message, Math.Max(image.Attempt, 1), DateTimeOffset.UtcNow);
}
