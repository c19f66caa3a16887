namespace ImageSearch.VectorStore;

/// <summary>The collection was never created (call <see cref="IVectorStore.EnsureCollectionAsync"/> first) or was dropped.</summary>
public sealed class CollectionNotFoundException(string collection)
    : Exception($"Collection '{collection}' does not exist: call EnsureCollectionAsync first.")
{
    public string Collection { get; } = collection;
}
