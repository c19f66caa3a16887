using ImageSearch.Embedding;
using ImageSearch.Contracts;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// What makes an <see cref="EmbedImage"/> unusable before any file is touched. Such a message is dead-lettered as
/// <see cref="DeadLetterReason.InvalidMessage"/>; left to the embedding core, some of these would throw and fail the whole batch.
/// </summary>
internal static class EmbedImageValidation
{
    /// <summary>Why the message is invalid, or null when it is fine.</summary>
    public static string? Problem(EmbedImage image)
    {
        // Contracts are non-nullable, but a foreign or broken producer can still send JSON nulls.
        if (string.IsNullOrWhiteSpace(image.Path))
            return "the message has no path";
        if (image.Path.Contains('\0'))
            return "the path contains a NUL character";
        if (!Path.IsPathFullyQualified(image.Path))
            return $"the path '{image.Path}' is relative: an embedder cannot know what it was relative to";
        if (image.ImageId < 0)
            return $"image id {image.ImageId} is negative";
        if (image.Attempt < 1)
            return $"attempt {image.Attempt} is below 1";
        return null;
    }
}
