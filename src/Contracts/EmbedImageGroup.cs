using MassTransit;

namespace ImageSearch.Contracts;

/// <summary>
/// Several images in one message, on their own queue (<see cref="QueueNames.EmbedImageGroup"/>): how a bulk publisher feeds
/// a GPU embedder. The bus and the broker then handle one message per batch instead of one per image: MassTransit's batches
/// of single messages need every message of every batch in hand at once, and its dispatch slows with each one held (about
/// 3,000 messages/s per process with batches of 256, four at a time). Each image is still embedded, dead-lettered and stored
/// on its own; the group is acknowledged once every image in it has its output.
/// </summary>
[MessageUrn("image-search:embed-image-group:v1")]
public sealed record EmbedImageGroup(IReadOnlyList<EmbedImage> Images);
