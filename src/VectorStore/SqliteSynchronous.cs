namespace ImageSearch.VectorStore;

/// <summary>SQLite's <c>PRAGMA synchronous</c> for the embedded store (WAL mode).</summary>
public enum SqliteSynchronous
{
    /// <summary>No fsync per commit: a returned upsert survives the process being killed, not a power cut.</summary>
    Normal,

    /// <summary>An fsync per commit: a returned upsert also survives a power cut or kernel crash.</summary>
    Full,
}
