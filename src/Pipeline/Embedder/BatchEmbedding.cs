using System.Diagnostics;
using ImageSearch.Contracts;
using ImageSearch.Embedding;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Embeds the images of one consumed batch (a MassTransit batch of <see cref="EmbedImage"/>, or one
/// <see cref="EmbedImageGroup"/>) and publishes one output per image: <see cref="ImageEmbedded"/>, or
/// <see cref="ImageDeadLettered"/> with the reason. The vectors of a group go out as one <see cref="ImageEmbeddedGroup"/>, so
/// that the indexer too handles one message per batch. The broker acknowledges the batch as a whole, so nothing that concerns one
/// image is an exception here: an invalid message or a bad image, even one that throws what nobody foresaw, becomes its own
/// dead letter and the rest of the batch goes on. Only failures of the whole batch (inference, publishing) throw, for the
/// consumer's retry. Redelivered images, whose last delivery died with its embedder, are embedded one at a time behind a
/// crash marker, and those that already killed an embedder are dead-lettered without another try (<see cref="CrashIsolation"/>).
/// </summary>
public sealed class BatchEmbedding(ImageEmbedder embedder, CrashIsolation isolation, IndexBacklogGate backlog, ILogger<BatchEmbedding> logger)
{
    // Outputs published at once: enough to keep the broker's confirms pipelined, bounded for very large batches.
    private const int MaxPublishesInFlight = 64;

    /// <param name="redelivered">Whether the image at each position came back from a delivery that did not finish.</param>
    /// <param name="group">Whether the images came as a group, whose vectors then go out as one group.</param>
    public async Task EmbedAndPublishAsync(ConsumeContext context, IReadOnlyList<EmbedImage> images, Func<int, bool> redelivered, bool group)
    {
        var clock = Stopwatch.StartNew();
        var cancellationToken = context.CancellationToken;
        var batch = new BatchOutputs(images, embedder.Model.Id);
        var valid = batch.DeadLetterInvalid();
        var again = valid.Where(redelivered).ToList();

        using (await isolation.EnterAsync(alone: again.Count > 0, cancellationToken))
        {
            var embedding = Stopwatch.StartNew();
            if (again.Count > 0)
                await EmbedRedeliveredAsync(batch, again, context, cancellationToken);
            await batch.EmbedAsync(valid.Except(again).ToList(), chosen => embedder.EmbedFilesAsync(Paths(chosen), cancellationToken));
            EmbedderMetrics.EmbedDuration.Observe(embedding.Elapsed.TotalSeconds);
        }
        var outputs = batch.Filled;
        var deadLetters = outputs.OfType<ImageDeadLettered>().ToList();
        var messages = group ? Grouped(outputs, deadLetters) : outputs;

        // All outputs are confirmed by the broker before the batch is acknowledged: a crash in between redelivers the
        // batch, and the store and the journal absorb the repeats (stable ids, keyed dead letters).
        await Parallel.ForEachAsync(messages,
            new ParallelOptions { MaxDegreeOfParallelism = MaxPublishesInFlight, CancellationToken = cancellationToken },
            async (output, token) => await context.Publish(output, output.GetType(), token));

        EmbedderMetrics.ImagesEmbedded.Inc(outputs.Count - deadLetters.Count);
        foreach (var letter in deadLetters)
        {
            EmbedderMetrics.DeadLetters.WithLabels(letter.Reason.ToString()).Inc();
            logger.LogDebug("Dead-lettered {ImageId} {Path}: {Reason} {Message}", letter.ImageId, letter.Path, letter.Reason, letter.Message);
        }
        EmbedderMetrics.BatchDuration.Observe(clock.Elapsed.TotalSeconds);
        logger.LogInformation("Embedded a batch of {Count}: {Embedded} embedded, {DeadLettered} dead-lettered, {Redelivered} redelivered in {ElapsedMs} ms",
            outputs.Count, outputs.Count - deadLetters.Count, deadLetters.Count, again.Count, clock.ElapsedMilliseconds);
    }

    /// <summary>
    /// First dead-letters what dead embedders left marked here; then answers images that already killed an embedder with
    /// their dead letter, and embeds the others one at a time behind the marker.
    /// </summary>
    private async Task EmbedRedeliveredAsync(BatchOutputs batch, List<int> redelivered, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        await isolation.DeadLetterOrphansAsync(publisher, cancellationToken);
        var crashed = redelivered.Where(i => isolation.HasCrashed(batch.Images[i])).ToList();
        foreach (var i in crashed)
            batch.DeadLetter(i, DeadLetterReason.DecoderCrashed, "it killed an embedder on this host before; not decoded again");
        await batch.EmbedAsync(redelivered.Except(crashed).ToList(),
            images => embedder.EmbedFilesOneAtATimeAsync(Paths(images), isolation.Track(images), cancellationToken));
    }

    /// <summary>The vectors as one <see cref="ImageEmbeddedGroup"/> (none when every image was dead-lettered), then the dead letters.</summary>
    private IReadOnlyList<object> Grouped(IReadOnlyList<object> outputs, List<ImageDeadLettered> deadLetters)
    {
        var vectors = outputs.OfType<ImageEmbedded>().ToList();
        if (vectors.Count == 0)
            return deadLetters;
        backlog.SawGroup(vectors.Count);
        return [new ImageEmbeddedGroup(vectors), .. deadLetters];
    }

    private static List<string> Paths(IReadOnlyList<EmbedImage> images) => images.Select(i => i.Path).ToList();
}
