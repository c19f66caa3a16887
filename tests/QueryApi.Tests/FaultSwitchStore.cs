using ImageSearch.VectorStore;

namespace ImageSearch.QueryApi.Tests;

/// <summary>
/// A real store behind a switch: while <see cref="Failing"/>, upserts throw the way a bug would (an
/// <see cref="InvalidOperationException"/>, not an outage, which the indexer would retry), so MassTransit faults the
/// indexer's batch into <c>index-image_error</c>. Everything else, and every upsert once fixed, reaches the real store.
/// </summary>
internal sealed class FaultSwitchStore(IVectorStore store) : IVectorStore
{
    public bool Failing { get; set; } = true;

    public Task UpsertAsync(string collection, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken) =>
        Failing
            ? throw new InvalidOperationException($"upsert of {records.Count} records refused (test fault)")
            : store.UpsertAsync(collection, records, cancellationToken);

    public Task EnsureCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken) => store.EnsureCollectionAsync(spec, cancellationToken);

    public Task DeleteAsync(string collection, IReadOnlyList<long> ids, CancellationToken cancellationToken) => store.DeleteAsync(collection, ids, cancellationToken);

    public Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchAsync(
        string collection, IReadOnlyList<float[]> queries, int k, string? label, CancellationToken cancellationToken) =>
        store.SearchAsync(collection, queries, k, label, cancellationToken);

    public Task<VectorRecord?> GetAsync(string collection, long id, CancellationToken cancellationToken) => store.GetAsync(collection, id, cancellationToken);

    public Task<long> CountAsync(string collection, CancellationToken cancellationToken) => store.CountAsync(collection, cancellationToken);

    public Task<CollectionInfo?> DescribeAsync(string collection, CancellationToken cancellationToken) => store.DescribeAsync(collection, cancellationToken);

    public Task DropCollectionAsync(string collection, CancellationToken cancellationToken) => store.DropCollectionAsync(collection, cancellationToken);
}
