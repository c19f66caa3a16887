using ImageSearch.Contracts;

namespace ImageSearch.Embedding.Imaging;

/// <summary>An image that cannot be used, with the dead-letter reason; retrying will not help.</summary>
public sealed class ImageDecodeException(DeadLetterReason reason, string message) : Exception(message)
{
    public DeadLetterReason Reason { get; } = reason;
}
