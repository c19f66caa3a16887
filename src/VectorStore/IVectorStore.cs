namespace ImageSearch.VectorStore;

/// <summary>
/// The one storage seam of the product: the indexer writes through it, the query API reads through it.
/// Two implementations: the embedded store (default, no server) and Milvus over its REST API v2.
/// </summary>
public interface IVectorStore
{
    /// <summary>Creates the collection if it is missing; throws <see cref="CollectionMismatchException"/> if it exists with another dimension, metric or model.</summary>
    Task EnsureCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts or replaces records by id. Once this returns, the records are durable. A record the store refuses
    /// (<see cref="RecordValidation"/>, or a rule of this store's own) throws <see cref="ArgumentException"/> before anything is written.
    /// </summary>
    Task UpsertAsync(string collection, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken);

    Task DeleteAsync(string collection, IReadOnlyList<long> ids, CancellationToken cancellationToken);

    /// <summary>Top-<paramref name="k"/> neighbours of each query vector, closest first, optionally only among records with <paramref name="label"/>.</summary>
    Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchAsync(
        string collection, IReadOnlyList<float[]> queries, int k, string? label, CancellationToken cancellationToken);

    Task<VectorRecord?> GetAsync(string collection, long id, CancellationToken cancellationToken);

    Task<long> CountAsync(string collection, CancellationToken cancellationToken);

    /// <summary>The collection's stored settings and row count, or null when it does not exist.</summary>
    Task<CollectionInfo?> DescribeAsync(string collection, CancellationToken cancellationToken);

    /// <summary>Removes the collection and all its records (re-indexing after a model change, tests). No-op when missing.</summary>
    Task DropCollectionAsync(string collection, CancellationToken cancellationToken);
}
