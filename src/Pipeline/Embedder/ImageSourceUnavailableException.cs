namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Most images of a batch timed out while being read: the storage they live on is slow or down, not the images bad. The
/// batch is retried with a long back-off (<see cref="EmbedImagesConsumerDefinition"/>) instead of dead-lettering them all.
/// </summary>
public sealed class ImageSourceUnavailableException(string message) : Exception(message);
