namespace ImageSearch.VectorStore;

public enum DistanceMetric
{
    L2,
    Cosine,
}
