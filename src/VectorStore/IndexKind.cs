namespace ImageSearch.VectorStore;

public enum IndexKind
{
    IvfFlat,
    Hnsw,
}
