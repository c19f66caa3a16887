using ImageSearch.Contracts;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// An image refused before or while decoding (missing, outside the allowed roots, not an image, too large, corrupt, ...),
/// with its dead-letter reason; retrying will not help.
/// </summary>
public sealed class ImageRejectedException(DeadLetterReason reason, string message) : Exception(message)
{
    public DeadLetterReason Reason { get; } = reason;
}
