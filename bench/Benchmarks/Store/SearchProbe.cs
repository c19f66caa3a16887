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
            var t = Stopwatch.GetTimestamp();
            var hits = (await store.SearchAsync(collection, [queries[i]], k, null, ct))[0];
            latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            found += hits.Count(h => exact[i].Contains(h.Id));
        }
        return new SearchProbe(new Percentiles(latencies), found / (double)(queries.Length * k));
    }
}
