using ImageSearch.Embedding;
using ImageSearch.VectorStore;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi;

/// <summary>
/// The collection this API serves, described by the model that embeds queries: the same descriptor and projection as the
/// embedders, so a collection filled by another model is refused (409) instead of answering with meaningless distances.
/// </summary>
public sealed class ActiveCollection(
    IOptions<QueryApiOptions> options, IOptions<VectorStoreOptions> store, ImageEmbedder embedder, EnsuredCollections collections)
{
    public string Name { get; } = options.Value.Collection;

    /// <summary>
    /// This process only follows an embedded store that another process (the indexer) writes: it cannot store an insert
    /// itself, so every insert goes through the queue to the embedders and the indexer.
    /// </summary>
    public bool FollowsStore { get; } = store.Value.Kind == VectorStoreKind.Embedded && store.Value.Embedded.Role == EmbeddedStoreRole.Follower;

    public EmbeddingModelInfo Model => embedder.Model;

    public CollectionSpec Spec => new(Name, embedder.Model.Dimension, embedder.Model.Id);

    /// <summary>Creates the collection when missing (once per process); checks the model of an existing one.</summary>
    /// <exception cref="CollectionMismatchException">The collection holds vectors of another model or dimension.</exception>
    public Task EnsureAsync(CancellationToken cancellationToken) => collections.EnsureAsync(Spec, cancellationToken);

    /// <summary>For searches: whether the collection exists yet (never creating it); checks the model of an existing one.</summary>
    /// <exception cref="CollectionMismatchException">The collection holds vectors of another model or dimension.</exception>
    public Task<bool> ExistsAsync(CancellationToken cancellationToken) => collections.ExistsAsync(Spec, cancellationToken);

    /// <summary>Forgets the check, after the store said the collection is gone (dropped underneath us).</summary>
    public void Forget() => collections.Forget(Name);
}
