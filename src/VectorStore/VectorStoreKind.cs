namespace ImageSearch.VectorStore;

public enum VectorStoreKind
{
    /// <summary>SQLite + in-memory exact/HNSW index in this process; no server.</summary>
    Embedded,

    /// <summary>A Milvus 2.5+ server over its REST API v2.</summary>
    Milvus,
}
