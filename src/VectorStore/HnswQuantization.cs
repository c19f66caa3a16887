namespace ImageSearch.VectorStore;

/// <summary>How the embedded HNSW graph stores vectors. SQLite and exact search always keep full float32.</summary>
public enum HnswQuantization
{
    F32,
    F16,
    BF16,
    I8,
}
