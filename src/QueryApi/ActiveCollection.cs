using ImageSearch.Embedding;
using ImageSearch.VectorStore;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi;

/// <summary>
/// The collection this API serves, described by the model that embeds queries: the same descriptor and projection as the
/// embedders, so a collection filled by another model is refused (409) instead of answering with meaningless distances.
/// </summary>
public sealed class ActiveCollection(IOptions<QueryApiOptions> options, ImageEmbedder embedder, EnsuredCollections collections)
{
    public string Name { get; } = options.Value.Collection;

    public EmbeddingModelInfo Model => embedder.Model;

    public CollectionSpec Spec => new(Name, embedder.Model.Dimension, embedder.Model.Id);

    /// <summary>Creates the collection when missing (once per process); checks the model of an existing one.</summary>
    /// <exception cref="CollectionMismatchException">The collection holds vectors of another model or dimension.</exception>
    public Task EnsureAsync(CancellationToken cancellationToken) => collections.EnsureAsync(Spec, cancellationToken);

    /// <summary>Forgets the check, after the store said the collection is gone (dropped underneath us).</summary>
    public void Forget() => collections.Forget(Name);
}
