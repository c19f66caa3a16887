using ImageSearch.Contracts;

namespace ImageSearch.Ingestion.Publishing;

/// <param name="Collection">Target collection for every image; null for the deployment's default.</param>
/// <param name="Label">Label for images whose source gives none.</param>
/// <param name="BatchSize">Messages handed to the broker together; the publisher waits for all their confirms.</param>
/// <param name="MaxBatchesInFlight">Batches awaiting confirms at once: memory is bounded by <see cref="ImagesPerBatch"/> × this.</param>
/// <param name="ImagesPerMessage">
/// 1: one <see cref="EmbedImage"/> message per image. More: <see cref="EmbedImageGroup"/> messages of up to this many images
/// (each batch is cut into groups), for embedders that take thousands of images a second (a GPU): the bus then handles one
/// message per group.
/// </param>
public sealed record BulkPublishOptions(string? Collection = null, string? Label = null, int BatchSize = 500, int MaxBatchesInFlight = 4, int ImagesPerMessage = 1)
{
    /// <summary>
    /// Images per batch: <see cref="BatchSize"/> rounded up to whole groups, so that every group but the source's last is
    /// full. Groups of 256 cut from batches of 500 came out 256, 244, 256, 244: the embedders' batches alternated between two
    /// sizes, which a GPU embedder pays for (the model's algorithms are chosen again at every change of size).
    /// </summary>
    public int ImagesPerBatch => (int)Math.Min(int.MaxValue, ((long)BatchSize + ImagesPerMessage - 1) / ImagesPerMessage * ImagesPerMessage);

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
