using System.Diagnostics;
using ImageSearch.Benchmarks.Api;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Store;

/// <summary>Search latency (one query at a time, one thread) and recall@k of a store against known exact neighbours.</summary>
internal sealed record SearchProbe(Percentiles Latency, double Recall)
{
    public static async Task<SearchProbe> RunAsync(EmbeddedVectorStore store, string collection, float[][] queries, HashSet<long>[] exact, int k, CancellationToken ct)
    {
        for (var i = 0; i < Math.Min(10, queries.Length); i++)
            await store.SearchAsync(collection, [queries[i]], k, null, ct); // warm-up
        var latencies = new double[queries.Length];
        var found = 0;
        for (var i = 0; i < queries.Length; i++)
        {
            (latencies[i], var hits) = await QueryAsync(store, collection, queries[i], exact[i], k, ct);
            found += hits;
        }
        return Of(latencies, found, k);
    }

    /// <summary>One query: its latency in milliseconds and how many of its k hits are among <paramref name="exact"/>.</summary>
    public static async Task<(double Milliseconds, int Found)> QueryAsync(
        EmbeddedVectorStore store, string collection, float[] query, HashSet<long> exact, int k, CancellationToken ct)
    {
        var t = Stopwatch.GetTimestamp();
        var hits = (await store.SearchAsync(collection, [query], k, null, ct))[0];
        return (Stopwatch.GetElapsedTime(t).TotalMilliseconds, hits.Count(h => exact.Contains(h.Id)));
    }

    /// <summary>The probe of queries that took <paramref name="latencies"/> and found <paramref name="found"/> exact neighbours in all.</summary>
    public static SearchProbe Of(IReadOnlyCollection<double> latencies, int found, int k) =>
        new(new Percentiles(latencies), found / (double)(latencies.Count * k));
}
