namespace ImageSearch.Contracts;

/// <summary>Queue names every process agrees on, so replicas compete for the same work.</summary>
public static class QueueNames
{
    public const string EmbedImage = "embed-image";
    public const string IndexImage = "index-image";
    public const string DeadLetters = "image-dead-letters";
}
