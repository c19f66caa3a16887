using MassTransit;

namespace ImageSearch.Contracts;

/// <summary>A computed, L2-normalised (and possibly projected) vector, ready to be indexed.</summary>
/// <param name="Model">Id of the model (and projection) that produced the vector; the indexer refuses a mismatch with the collection.</param>
/// <param name="Attempt">Carried over from <see cref="EmbedImage.Attempt"/>, so a dead letter raised by the indexer counts attempts too.
/// Optional and last, so v1 messages already queued without it still deserialize (as attempt 1).</param>
[MessageUrn("image-search:image-embedded:v1")]
public sealed record ImageEmbedded(long ImageId, string Path, string? Label, string? Collection, string Model, float[] Vector, int Attempt = 1);
