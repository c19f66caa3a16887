using MassTransit;

namespace ImageSearch.Contracts;

/// <summary>A computed, L2-normalised (and possibly projected) vector, ready to be indexed.</summary>
/// <param name="Model">Id of the model (and projection) that produced the vector; the indexer refuses a mismatch with the collection.</param>
[MessageUrn("image-search:image-embedded:v1")]
public sealed record ImageEmbedded(long ImageId, string Path, string? Label, string? Collection, string Model, float[] Vector);
