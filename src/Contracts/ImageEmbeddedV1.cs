using MassTransit;

namespace ImageSearch.Contracts;

/// <summary>
/// The first wire form of <see cref="ImageEmbedded"/>: the vector as a JSON array of numbers. No longer produced; the
/// indexer still consumes it, so that messages queued before an upgrade, and embedders not yet upgraded, are indexed.
/// Its own exchange is never bound: an old embedder publishes to <see cref="ImageEmbedded"/>'s (same class name then),
/// which already leads to the indexer's queue.
/// </summary>
[MessageUrn("image-search:image-embedded:v1")]
[ConfigureConsumeTopology(false)]
public sealed record ImageEmbeddedV1(long ImageId, string Path, string? Label, string? Collection, string Model, float[] Vector, int Attempt = 1)
{
    public ImageEmbedded ToCurrent() => new(ImageId, Path, Label, Collection, Model, Vector, Attempt);
}
