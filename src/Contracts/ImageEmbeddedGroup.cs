using MassTransit;

namespace ImageSearch.Contracts;

/// <summary>
/// The vectors of one embedded <see cref="EmbedImageGroup"/> in one message, on their own queue
/// (<see cref="QueueNames.IndexImageGroup"/>): a GPU embedder turns out thousands of vectors a second, and one indexer
/// taking them one message each is held to what MassTransit's batches of single messages can dispatch (see
/// <see cref="EmbedImageGroup"/>). Each vector is still validated, written or dead-lettered on its own; the group is
/// acknowledged once every one of them is stored or has its dead letter.
/// </summary>
[MessageUrn("image-search:image-embedded-group:v1")]
public sealed record ImageEmbeddedGroup(IReadOnlyList<ImageEmbedded> Images);
