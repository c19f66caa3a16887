using MassTransit;

namespace ImageSearch.Contracts;

/// <summary>Ask an embedder to turn one image file into a vector.</summary>
/// <param name="ImageId">Stable id (see <see cref="ImageIds"/>): the same image published twice is stored once.</param>
/// <param name="Collection">Target collection; null means the deployment's default collection.</param>
/// <param name="Attempt">1 for a first publish; a replay from the dead letters carries the next attempt number.</param>
[MessageUrn("image-search:embed-image:v1")]
public sealed record EmbedImage(long ImageId, string Path, string? Label = null, string? Collection = null, int Attempt = 1);
