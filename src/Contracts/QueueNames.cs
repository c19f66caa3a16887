namespace ImageSearch.Contracts;

/// <summary>Queue names every process agrees on, so replicas compete for the same work.</summary>
public static class QueueNames
{
    public const string EmbedImage = "embed-image";
    public const string IndexImage = "index-image";
    public const string DeadLetters = "image-dead-letters";

    /// <summary>Where a quorum <c>embed-image</c> queue moves a message delivered more often than <c>Bus:DeliveryLimit</c>.</summary>
    public const string EmbedImageDeliveryLimit = "embed-image_delivery-limit";
}
