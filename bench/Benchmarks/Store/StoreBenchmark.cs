using System.Diagnostics;
using System.Globalization;
using System.Text;
using ImageSearch.TestSupport;
using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// Embedded store at 10k / 100k / 1M unit vectors of 512 dimensions: upsert rate (SQLite commit + in-memory index,
/// HNSW inserts included above the threshold), search latency p50/p99 and recall@10 against exact search for several
/// ef values, memory (managed heap, RSS, index), and reopen time (SQLite read + snapshot load, or full rebuild).
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

            {Dimension}-d unit vectors, seeded; {options.Queries} queries (not in the data); recall@10 against exact search over the same rows.
            HNSW above {options.Threshold:N0} rows: M={hnsw.M}, efConstruction={hnsw.EfConstruction}, vectors stored as {hnsw.Quantization}
            (SQLite and exact search keep float32), {hnsw.Rerank}×k graph candidates re-ranked with exact distances. Upserts in batches of {options.Batch:N0}, SQLite WAL synchronous=NORMAL.
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
        var storeOptions = new EmbeddedStoreOptions { Path = directory, HnswThreshold = o.Threshold, Hnsw = o.Hnsw };
        var store = new EmbeddedVectorStore(storeOptions);
        await store.EnsureCollectionAsync(new CollectionSpec(Collection, Dimension, "bench"), ct);

        Console.WriteLine($"[{vectors.Kind} {size:N0}] upserting…");
        var writing = TimeSpan.Zero; // time inside UpsertAsync only, not vector generation
        for (var start = 0; start < size; start += o.Batch)
        {
            var batch = Enumerable.Range(start, Math.Min(o.Batch, size - start)).AsParallel().AsOrdered()
                .Select(i => new VectorRecord(i, vectors.Make(i), $"/images/{i:D7}.jpg", null)).ToArray();
            var write = Stopwatch.GetTimestamp();
            await store.UpsertAsync(Collection, batch, ct);
            writing += Stopwatch.GetElapsedTime(write);
        }
        var upsertRate = size / writing.TotalSeconds;

        var queries = Enumerable.Range(0, o.Queries).Select(i => vectors.Make(10_000_000_000L + i)).ToArray();
        Console.WriteLine($"[{vectors.Kind} {size:N0}] {upsertRate:N0} rows/s; exact search for ground truth…");
        var exactLatencies = new double[queries.Length];
        var truth = new HashSet<long>[queries.Length];
        for (var i = 0; i < queries.Length; i++)
        {
            var t = Stopwatch.GetTimestamp();
            truth[i] = store.ExactSearch(Collection, queries[i], K).ToHashSet();
            exactLatencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        var (managed, rss, index) = Memory(store);
        var hasGraph = size >= o.Threshold;
        List<string> rows = [Row(vectors.Kind, size, "exact", upsertRate, "–", exactLatencies, 1.0, managed, rss, index)];
        foreach (var ef in hasGraph ? o.Ef : [])
        {
            store.SetEfSearch(ef);
            var (latencies, recall) = await SearchAsync(store, queries, truth, ct);
            Console.WriteLine($"[{vectors.Kind} {size:N0}] ef={ef}: p50 {Percentile(latencies, 50):F3} ms, recall@10 {recall:F3}");
            rows.Add(Row(vectors.Kind, size, "HNSW", upsertRate, ef.ToString(CultureInfo.InvariantCulture), latencies, recall, managed, rss, index));
        }

        store.Dispose(); // saves the HNSW snapshot
        var reopen = Time(() => new EmbeddedVectorStore(storeOptions).Dispose());
        var rebuild = "–";
        if (hasGraph && size <= o.RebuildUpTo)
        {
            foreach (var file in Directory.EnumerateFiles(directory, $"{Collection}.*"))
                File.Delete(file);
            rebuild = Time(() => new EmbeddedVectorStore(storeOptions).Dispose()).ToString("F1", CultureInfo.InvariantCulture);
        }
        Console.WriteLine($"[{vectors.Kind} {size:N0}] reopen {reopen:F1} s, rebuild {rebuild} s");
        // Reopen and rebuild belong to the size, not to an ef: written once, on its first row.
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{rows[0]} {reopen:F1} | {rebuild} |"));
        foreach (var row in rows.Skip(1))
            table.AppendLine(row + " | |");
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<(double[] Latencies, double Recall)> SearchAsync(
        EmbeddedVectorStore store, float[][] queries, HashSet<long>[] truth, CancellationToken ct)
    {
        for (var i = 0; i < Math.Min(20, queries.Length); i++)
            await store.SearchAsync(Collection, [queries[i]], K, null, ct); // warm-up
        var latencies = new double[queries.Length];
        var found = 0;
        for (var i = 0; i < queries.Length; i++)
        {
            var t = Stopwatch.GetTimestamp();
            var hits = (await store.SearchAsync(Collection, [queries[i]], K, null, ct))[0];
            latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            found += hits.Count(h => truth[i].Contains(h.Id));
        }
        return (latencies, found / (double)(queries.Length * K));
    }

    private static (double Managed, double Rss, double Index) Memory(EmbeddedVectorStore store)
    {
        var managed = GC.GetTotalMemory(forceFullCollection: true) / 1e6;
        using var process = Process.GetCurrentProcess();
        return (managed, process.WorkingSet64 / 1e6, store.IndexMemoryBytes / 1e6);
    }

    private static double Time(Action action)
    {
        var t = Stopwatch.StartNew();
        action();
        return t.Elapsed.TotalSeconds;
    }

    private static double Percentile(double[] values, int p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];
    }

    private static string Row(string data, int size, string kind, double upsertRate, string ef, double[] latencies, double recall,
        double managed, double rss, double index) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {data} | {size:N0} | {kind} | {upsertRate:N0} | {ef} | {Percentile(latencies, 50):F3} | {Percentile(latencies, 99):F3} | {recall:F3} | {managed:N0} | {rss:N0} | {index:N0} |");
}
