namespace ImageSearch.VectorStore.Milvus;

/// <summary>
/// Search over REST v2: many query vectors per request. Milvus answers with the hits of all of them in one flat
/// <c>data</c> list and (in builds since February 2025, such as the pinned 2.5.16) how many belong to each vector in
/// <c>topks</c>, which splits the list back in query order. The label filter is an expression template (<c>label == {label}</c> plus <c>exprParams</c>), so no
/// label, whatever characters it holds, is ever pasted into an expression.
/// </summary>
internal sealed class MilvusSearch(MilvusRestClient client, MilvusStoreOptions options)
{
    private static readonly string[] HitFields = ["path", "label"];

    // Up to nq × k rows come back in one response: this keeps a response to a few MB, far below Milvus's limits
    // (nq and topk ≤ 16,384 each, 64 MB per request).
    private const int MaxRowsPerResponse = 16_384;
    private const int MaxQueriesPerRequest = 256;

    private static int QueriesPerRequest(int k) => Math.Clamp(MaxRowsPerResponse / k, 1, MaxQueriesPerRequest);

    public async Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchAsync(
        CollectionSpec spec, IReadOnlyList<float[]> queries, int k, string? label, CancellationToken cancellationToken)
    {
        var results = new List<IReadOnlyList<SearchHit>>(queries.Count);
        foreach (var chunk in queries.Chunk(QueriesPerRequest(k)))
            results.AddRange(await SearchChunkAsync(spec, chunk, k, label, cancellationToken));
        return results;
    }

    private async Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchChunkAsync(
        CollectionSpec spec, float[][] queries, int k, string? label, CancellationToken cancellationToken)
    {
        var response = await client.PostForEnvelopeAsync<SearchResponse>("entities/search", Request(spec, queries, k, label), cancellationToken);
        var hits = (response.Data ?? []).Select(r => new SearchHit(r.Id, ToDistance(spec.Metric, r.Distance), r.Path ?? "", NullIfEmpty(r.Label))).ToArray();
        if (queries.Length == 1)
            return [hits];
        if (hits.Length == 0)
            return queries.Select(_ => (IReadOnlyList<SearchHit>)[]).ToArray();
        if (response.Topks is { } topks)
            return Split(hits, topks, queries.Length);
        // An older server sends no topks, and a flat list of several vectors' hits cannot be split: ask each alone.
        var alone = new List<IReadOnlyList<SearchHit>>(queries.Length);
        foreach (var query in queries)
            alone.AddRange(await SearchChunkAsync(spec, [query], k, label, cancellationToken));
        return alone;
    }

    private static IReadOnlyList<SearchHit>[] Split(SearchHit[] hits, IReadOnlyList<long> topks, int queries)
    {
        if (topks.Count != queries || topks.Sum() != hits.Length)
            throw new MilvusException("entities/search", -1,
                $"topks [{string.Join(",", topks)}] do not split {hits.Length} hits among {queries} query vectors");
        var groups = new IReadOnlyList<SearchHit>[queries];
        var at = 0;
        for (var i = 0; i < queries; i++)
        {
            groups[i] = hits[at..(at + (int)topks[i])];
            at += (int)topks[i];
        }
        return groups;
    }

    private SearchRequest Request(CollectionSpec spec, float[][] queries, int k, string? label)
    {
        var index = spec.Index ?? new IndexSpec();
        var searchParams = new Dictionary<string, object>
        {
            ["params"] = index.Kind == IndexKind.Hnsw
                ? new Dictionary<string, object> { ["ef"] = Math.Max(k, options.Ef ?? index.Ef) }
                : new Dictionary<string, object> { ["nprobe"] = options.NProbe ?? index.NProbe },
        };
        return new SearchRequest(options.Database, spec.Name, queries, MilvusCollectionMetadata.VectorField, k,
            label is null ? null : "label == {label}",
            label is null ? null : new Dictionary<string, string> { ["label"] = label },
            HitFields, searchParams, MilvusConsistency.ForReads(options.Consistency));
    }

    private static float ToDistance(DistanceMetric metric, float milvusDistance) =>
        metric == DistanceMetric.Cosine ? 1 - milvusDistance : milvusDistance; // COSINE is a similarity in Milvus

    internal static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
