using ImageSearch.Contracts;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>The embedder's one way of turning an <see cref="EmbedImage"/> into its dead letter.</summary>
internal static class EmbedImageDeadLetter
{
    // A foreign producer may send a JSON null path or attempt 0: the dead letter still records something usable.
    public static ImageDeadLettered DeadLetter(this EmbedImage image, DeadLetterReason reason, string message) =>
        new(image.ImageId, image.Path ?? "", image.Label, image.Collection, PipelineStage.Embed, reason, message, Math.Max(image.Attempt, 1), DateTimeOffset.UtcNow);
}
