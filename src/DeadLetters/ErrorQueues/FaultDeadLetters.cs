using System.Text.Json;
using ImageSearch.Contracts;
using RabbitMQ.Client;

namespace ImageSearch.DeadLetters.ErrorQueues;

/// <summary>
/// Turns a faulted pipeline message into the dead letters the journal keeps, one per image (a group holds several): reason
/// <see cref="DeadLetterReason.Unexpected"/> with the fault's exception as the detail, at the stage that faulted, with the
/// image's path, label, collection and attempt. A faulted dead letter (the recorder's own error queue) is already one and stays as it is.
/// </summary>
internal static class FaultDeadLetters
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <returns>Null when the body is not the message the queue carries (it stays in the error queue).</returns>
    public static IReadOnlyList<ImageDeadLettered>? From(ErrorQueue queue, BasicGetResult delivery, FaultedMessage fault)
    {
        if (FaultedMessage.Message(delivery.Body) is not { } message)
            return null;
        try
        {
            var time = fault.FaultedAt ?? DateTimeOffset.UtcNow;
            return (queue.Stage, queue.Source) switch
            {
                (null, _) => message.Deserialize<ImageDeadLettered>(Json) is { } letter ? [letter] : null,
                (PipelineStage.Embed, QueueNames.EmbedImageGroup) when message.Deserialize<EmbedImageGroup>(Json)?.Images is { Count: > 0 } images =>
                    images.Select(image => Embed(image, fault, time)).ToList(),
                (PipelineStage.Embed, _) when message.Deserialize<EmbedImage>(Json) is { } image => [Embed(image, fault, time)],
                (PipelineStage.Index, QueueNames.IndexImageGroup) when message.Deserialize<ImageEmbeddedGroup>(Json)?.Images is { Count: > 0 } vectors =>
                    vectors.Select(vector => Index(vector, fault, time)).ToList(),
                (PipelineStage.Index, _) when message.Deserialize<ImageEmbedded>(Json) is { } vector => [Index(vector, fault, time)],
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ImageDeadLettered Embed(EmbedImage image, FaultedMessage fault, DateTimeOffset time) =>
        Letter(image.ImageId, image.Path, image.Label, image.Collection, image.Attempt, PipelineStage.Embed, fault, time);

    private static ImageDeadLettered Index(ImageEmbedded vector, FaultedMessage fault, DateTimeOffset time) =>
        Letter(vector.ImageId, vector.Path, vector.Label, vector.Collection, vector.Attempt, PipelineStage.Index, fault, time);

    private static ImageDeadLettered Letter(
        long imageId, string? path, string? label, string? collection, int attempt, PipelineStage stage, FaultedMessage fault, DateTimeOffset time) =>
        new(imageId, path ?? "", label, collection, stage, DeadLetterReason.Unexpected, fault.Detail, Math.Max(attempt, 1), time);
}
