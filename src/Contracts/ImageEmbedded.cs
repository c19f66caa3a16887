using System.Text.Json.Serialization;
using MassTransit;

namespace ImageSearch.Contracts;

/// <summary>A computed, L2-normalised (and possibly projected) vector, ready to be indexed.</summary>
/// <param name="Model">Id of the model (and projection) that produced the vector; the indexer refuses a mismatch with the collection.</param>
/// <param name="Vector">On the wire: float32 little-endian as base64 (<see cref="Float32Base64Converter"/>), about a third of
/// v1's JSON numbers. Messages of v1 (<see cref="ImageEmbeddedV1"/>) are still consumed.</param>
/// <param name="Attempt">Carried over from <see cref="EmbedImage.Attempt"/>, so a dead letter raised by the indexer counts attempts too.</param>
[MessageUrn("image-search:image-embedded:v2")]
public sealed record ImageEmbedded(
    long ImageId,
    string Path,
    string? Label,
    string? Collection,
    string Model,
    [property: JsonConverter(typeof(Float32Base64Converter))] float[] Vector,
    int Attempt = 1);
