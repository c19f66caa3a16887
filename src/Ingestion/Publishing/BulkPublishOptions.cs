using ImageSearch.Contracts;

namespace ImageSearch.Ingestion.Publishing;

/// <param name="Collection">Target collection for every image; null for the deployment's default.</param>
/// <param name="Label">Label for images whose source gives none.</param>
/// <param name="BatchSize">Messages handed to the broker together; the publisher waits for all their confirms.</param>
/// <param name="MaxBatchesInFlight">Batches awaiting confirms at once: memory is bounded by BatchSize × this.</param>
/// <param name="ImagesPerMessage">
/// 1: one <see cref="EmbedImage"/> message per image. More: <see cref="EmbedImageGroup"/> messages of up to this many images
/// (each batch is cut into groups), for embedders that take thousands of images a second (a GPU): the bus then handles one
/// message per group.
/// </param>
public sealed record BulkPublishOptions(string? Collection = null, string? Label = null, int BatchSize = 500, int MaxBatchesInFlight = 4, int ImagesPerMessage = 1)
{
    /// <summary>Checked before anything is published, so a bad setting fails the run instead of every image in it.</summary>
    /// <exception cref="ArgumentException">The collection name breaks <see cref="CollectionNames"/>' rule, or a size is not positive.</exception>
    public void Validate()
    {
        if (Collection is not null)
            CollectionNames.Validate(Collection);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBatchesInFlight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ImagesPerMessage);
    }
}
