using System.Diagnostics;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using ImageSearch.QueryApi.Metrics;
using ImageSearch.VectorStore;

namespace ImageSearch.QueryApi.Search;

/// <summary>Embeds one query image with the shared core and asks the store for its neighbours, timing both parts.</summary>
public sealed class ImageSearcher(ImageEmbedder embedder, IVectorStore store, ActiveCollection collection, ApiMetrics metrics)
{
    public Task<SearchOutcome> SearchEncodedAsync(ReadOnlyMemory<byte> image, int k, string? label, CancellationToken cancellationToken) =>
        SearchAsync(() => embedder.EmbedEncodedAsync([image], cancellationToken), k, label, cancellationToken);

    public Task<SearchOutcome> SearchFileAsync(string path, int k, string? label, CancellationToken cancellationToken) =>
        SearchAsync(() => embedder.EmbedFilesAsync([path], cancellationToken), k, label, cancellationToken);

    private async Task<SearchOutcome> SearchAsync(
        Func<Task<IReadOnlyList<EmbeddingResult>>> embed, int k, string? label, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = (await embed())[0];
        var embedded = clock.Elapsed;
        if (!result.Succeeded)
        {
            metrics.SearchRejected(result.Reason!.Value);
            throw new ImageRejectedException(result.Reason!.Value, result.Error!);
        }
        // A search never creates the collection: before the first image is stored there is nothing to find.
        IReadOnlyList<SearchHit> hits = [];
        try
        {
            if (await collection.ExistsAsync(cancellationToken))
                hits = (await store.SearchAsync(collection.Name, [result.Vector!], k, label, cancellationToken))[0];
        }
        catch (CollectionNotFoundException)
        {
            collection.Forget(); // dropped since it was checked: nothing to find, and the next request looks again
        }
        var timings = new SearchTimings(embedded.TotalMilliseconds, (clock.Elapsed - embedded).TotalMilliseconds, clock.Elapsed.TotalMilliseconds);
        metrics.Searched(timings);
        return new SearchOutcome(hits, timings);
    }
}

public sealed record SearchOutcome(IReadOnlyList<SearchHit> Hits, SearchTimings Timings);

/// <param name="EmbedMs">Sniffing, decoding, preprocessing and inference of the query image.</param>
/// <param name="SearchMs">The vector store's nearest-neighbour search.</param>
/// <param name="TotalMs">Both, as measured inside the server (HTTP and upload parsing excluded).</param>
public sealed record SearchTimings(double EmbedMs, double SearchMs, double TotalMs);
