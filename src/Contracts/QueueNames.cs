namespace ImageSearch.Contracts;

/// <summary>Queue names every process agrees on, so replicas compete for the same work.</summary>
public static class QueueNames
{
    public const string EmbedImage = "embed-image";

    /// <summary>Carries <see cref="Contracts.EmbedImageGroup"/>: a queue of its own, because a process holds few groups but many single images.</summary>
    public const string EmbedImageGroup = "embed-image-group";

    public const string IndexImage = "index-image";

    /// <summary>Carries <see cref="Contracts.ImageEmbeddedGroup"/>, the vectors of a group, for the same reason as <see cref="EmbedImageGroup"/>.</summary>
    public const string IndexImageGroup = "index-image-group";
    public const string DeadLetters = "image-dead-letters";

    /// <summary>Where a quorum embed queue (either) moves a message delivered more often than <c>Bus:DeliveryLimit</c>.</summary>
    public const string EmbedImageDeliveryLimit = "embed-image_delivery-limit";

    /// <summary>
    /// Where MassTransit moves a message of <paramref name="queue"/> whose consumer faulted (retries spent, or an exception
    /// that is not retried). Nothing consumes it: its messages wait, durable, until someone moves them.
    /// </summary>
    public static string ErrorQueueOf(string queue) => queue + "_error";
}
