namespace ImageSearch.VectorStore;

/// <param name="Distance">Smaller is closer: squared Euclidean distance for <see cref="DistanceMetric.L2"/> (as Milvus reports it), 1 − cosine for <see cref="DistanceMetric.Cosine"/>.</param>
public sealed record SearchHit(long Id, float Distance, string Path, string? Label);
