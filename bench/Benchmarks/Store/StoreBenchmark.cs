using System.Diagnostics;
using System.Globalization;
using System.Text;
using ImageSearch.TestSupport;
using ImageSearch.Benchmarks.Api;
using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// Embedded store at 10k / 100k / 1M unit vectors of 512 dimensions: upsert rate (SQLite commit + in-memory index,
/// HNSW inserts included above the threshold), search latency p50/p99 and recall@10 (against neighbours found by brute
/// force over the generated vectors) of exact search and of HNSW at several ef values (the store reopened with each),
/// memory (managed heap, RSS, index), and reopen time (SQLite read + snapshot load, or full rebuild).
/// Options: --sizes 10000,100000,1000000 --data random,structured --ef 64,128,192,256,384 --queries 200
///          --m/--ef-construction/--quantization/--rerank (default: HnswOptions) --threshold 20000 --batch 1000 --rebuild-up-to 100000
///          --section store (the docs/benchmarks.md section to write, so variants can sit side by side)
/// </summary>
public sealed class StoreBenchmark : IBenchmark
{
    private const int Dimension = 512;
    private const int K = 10;
    private const string Collection = "bench";

    public string Name => "store";

    public string Description => "embedded vector store: upsert rate, search p50/p99, recall@10, memory at 10k/100k/1M";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var options = BenchOptions.Parse(args);
        var table = new StringBuilder()
            .AppendLine("| data | rows | index | upsert rows/s | ef | search p50 ms | p99 ms | recall@10 | managed MB | RSS MB | index MB | reopen s (snapshot) | rebuild s |")
            .AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var data in options.Data)
            foreach (var size in options.Sizes)
                await RunOneAsync(options, new SyntheticVectors(data, Dimension, seed: 42), size, table, cancellationToken);
        var hnsw = options.Hnsw;
        BenchmarkReport.Write(options.Section, $"""
            ### Embedded vector store (`store`, section `{options.Section}`)

            {Dimension}-d unit vectors, seeded; {options.Queries} queries (not in the data); recall@10 against the exact neighbours, computed by brute force from the generated vectors.
            HNSW above {options.Threshold:N0} rows: M={hnsw.M}, efConstruction={hnsw.EfConstruction}, vectors stored as {hnsw.Quantization}
            (SQLite and exact search keep float32), {hnsw.Rerank}×k graph candidates re-ranked with exact distances. Upserts in batches of {options.Batch:N0}, SQLite WAL synchronous={new EmbeddedStoreOptions().Synchronous.ToString().ToUpperInvariant()}.
            Latency is one query at a time from one thread. `random` = i.i.d. Gaussian directions (worst case for any ANN index);
            `structured` = 32-d latent + 10 % noise, nearer to real embeddings.

            {table}
            """);
        return 0;
    }

    private static async Task RunOneAsync(BenchOptions o, SyntheticVectors vectors, int size, StringBuilder table, CancellationToken ct)
    {
        var directory = Path.Combine(ServiceBuild.RepositoryRoot, ".bench", "store", $"{vectors.Kind}-{size}");
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        EmbeddedStoreOptions Options(int threshold, int ef) => new()
        {
            Path = directory, HnswThreshold = threshold,
            Hnsw = new HnswOptions { M = o.Hnsw.M, EfConstruction = o.Hnsw.EfConstruction, EfSearch = ef, Quantization = o.Hnsw.Quantization, Rerank = o.Hnsw.Rerank },
        };
        var queries = Enumerable.Range(0, o.Queries).Select(i => vectors.Make(10_000_000_000L + i)).ToArray();
        var truth = new ExactNeighbours(queries, K);

        Console.WriteLine($"[{vectors.Kind} {size:N0}] upserting, and finding the queries' exact neighbours among the rows…");
        double upsertRate;
        using (var store = new EmbeddedVectorStore(Options(o.Threshold, o.Hnsw.EfSearch)))
        {
            await store.EnsureCollectionAsync(new CollectionSpec(Collection, Dimension, "bench"), ct);
            upsertRate = StoreLoad.Rate(size, (await StoreLoad.UpsertAsync([store], Collection, vectors, size, o.Batch, truth.Offer, ct))[0]);
        } // saves the HNSW snapshot
        Console.WriteLine($"[{vectors.Kind} {size:N0}] {upsertRate:N0} rows/s");

        // HNSW: the store reopened once per ef (snapshot restored); exact: reopened with a threshold above its size, so no graph.
        var hasGraph = size >= o.Threshold;
        List<(string Index, string Ef, Measured Result)> results = [];
        foreach (var ef in hasGraph ? o.Ef : [])
        {
            results.Add(("HNSW", ef.ToString(CultureInfo.InvariantCulture), await MeasureAsync(Options(o.Threshold, ef), queries, truth, ct)));
            Console.WriteLine($"[{vectors.Kind} {size:N0}] ef={ef}: p50 {results[^1].Result.Latency.P50:F3} ms, recall@10 {results[^1].Result.Recall:F3}");
        }
        results.Insert(0, ("exact", "–", await MeasureAsync(Options(hasGraph ? int.MaxValue : o.Threshold, o.Hnsw.EfSearch), queries, truth, ct)));
        // Reopen time and memory belong to the store as configured: with its graph when it has one.
        var configured = results[hasGraph ? 1 : 0].Result;

        var rebuild = "–";
        if (hasGraph && size <= o.RebuildUpTo)
        {
            foreach (var file in Directory.EnumerateFiles(directory, $"{Collection}.*"))
                File.Delete(file);
            var building = Stopwatch.StartNew();
            new EmbeddedVectorStore(Options(o.Threshold, o.Hnsw.EfSearch)).Dispose();
            rebuild = building.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        }
        Console.WriteLine($"[{vectors.Kind} {size:N0}] reopen {configured.ReopenSeconds:F1} s, rebuild {rebuild} s");
        // Reopen and rebuild belong to the size, not to an ef: written once, on its first row.
        foreach (var (index, ef, result) in results)
        {
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {vectors.Kind} | {size:N0} | {index} | {upsertRate:N0} | {ef} | {result.Latency.P50:F3} | {result.Latency.P99:F3} | {result.Recall:F3} | {configured.ManagedMb:N0} | {configured.RssMb:N0} | {configured.IndexMb:N0} |");
            table.AppendLine(index == "exact" ? string.Create(CultureInfo.InvariantCulture, $"{row} {configured.ReopenSeconds:F1} | {rebuild} |") : row + " | |");
        }
        Directory.Delete(directory, recursive: true);
    }

    private sealed record Measured(double ReopenSeconds, Percentiles Latency, double Recall, double ManagedMb, double RssMb, double IndexMb);

    /// <summary>Opens the store (timed), measures its memory, then its search latency and recall@10.</summary>
    private static async Task<Measured> MeasureAsync(EmbeddedStoreOptions options, float[][] queries, ExactNeighbours truth, CancellationToken ct)
    {
        var opening = Stopwatch.StartNew();
        using var store = new EmbeddedVectorStore(options);
        var reopen = opening.Elapsed.TotalSeconds;
        var managed = GC.GetTotalMemory(forceFullCollection: true) / 1e6;
        using var process = Process.GetCurrentProcess();
        var (rss, index) = (process.WorkingSet64 / 1e6, store.IndexMemoryBytes / 1e6);
        for (var i = 0; i < Math.Min(20, queries.Length); i++)
            await store.SearchAsync(Collection, [queries[i]], K, null, ct); // warm-up
        var latencies = new double[queries.Length];
        var found = 0;
        for (var i = 0; i < queries.Length; i++)
        {
            var t = Stopwatch.GetTimestamp();
            var hits = (await store.SearchAsync(Collection, [queries[i]], K, null, ct))[0];
            latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            var exact = truth.Of(i);
            found += hits.Count(h => exact.Contains(h.Id));
        }
        return new Measured(reopen, new Percentiles(latencies), found / (double)(queries.Length * K), managed, rss, index);
    }
}
