using ImageSearch.Contracts;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// An image refused before or while decoding (missing, outside the allowed roots, not an image, too large, corrupt, ...),
/// with its dead-letter reason; retrying will not help, with one exception: <see cref="IsSourceTimeout"/>.
/// </summary>
public sealed class ImageRejectedException(DeadLetterReason reason, string message) : Exception(message)
{
    public DeadLetterReason Reason { get; } = reason;

    /// <summary>
    /// The file could not be read within <see cref="EmbeddingOptions.ReadTimeout"/> (reason <see cref="DeadLetterReason.Unreadable"/>).
    /// Nothing is known about the image itself: its storage (a network mount, a slow disk) did not answer. One such image
    /// may be dead-lettered; when most of a batch times out (<see cref="EmbeddingResult.SourceLooksDown"/>), the source is
    /// down and the caller should back off and retry the batch later rather than dead-letter every image in it.
    /// </summary>
    public bool IsSourceTimeout { get; init; }
}
