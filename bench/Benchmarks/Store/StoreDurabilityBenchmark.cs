using System.Globalization;
using System.Text;
using ImageSearch.TestSupport;
using ImageSearch.Benchmarks.Api;
using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// What "acknowledged means fsynced" costs: two new stores side by side in one run, SQLite synchronous=NORMAL (a commit
/// is left in the OS page cache) and FULL (one fsync per batch, the default), each batch upserted into both in turns so
/// both meet the same machine load; the paired per-batch difference is the price of the fsync. Exact search only by
/// default, so the time is SQLite's; <c>--threshold 20000</c> adds the HNSW graph inserts (write it to another <c>--section</c>).
/// Options (as for <c>store</c>; the first size and data kind are used): --sizes 100000 --data structured --batch 1000
///          --threshold (none) --section store-sync
/// </summary>
public sealed class StoreDurabilityBenchmark : IBenchmark
{
    private const string Collection = "bench";
    private static readonly SqliteSynchronous[] Modes = [SqliteSynchronous.Normal, SqliteSynchronous.Full];

    public string Name => "store-sync";

    public string Description => "embedded vector store: upsert rate with synchronous NORMAL vs FULL (fsync per batch), 100k rows";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var o = BenchOptions.Parse(["--sizes", "100000", "--data", "structured", "--threshold", $"{int.MaxValue}", "--section", "store-sync", .. args]);
        var (rows, vectors) = (o.Sizes[0], new SyntheticVectors(o.Data[0], o.Dimension, seed: 42));
        var index = o.Threshold > rows ? "exact" : $"HNSW from {o.Threshold:N0} rows (M={o.Hnsw.M}, {o.Hnsw.Quantization})";
        var directory = Path.Combine(ServiceBuild.RepositoryRoot, ".bench", "store-sync");
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        var loadBefore = LoadAverage();
        double[][] batches;
        var stores = Modes.Select(mode => new EmbeddedVectorStore(new EmbeddedStoreOptions
        {
            Path = Path.Combine(directory, mode.ToString()), Synchronous = mode, HnswThreshold = o.Threshold, Hnsw = o.Hnsw,
        })).ToArray();
        try
        {
            foreach (var store in stores)
                await store.EnsureCollectionAsync(new CollectionSpec(Collection, o.Dimension, "bench"), cancellationToken);
            batches = await StoreLoad.UpsertAsync(stores, Collection, vectors, rows, o.Batch, observe: null, cancellationToken);
        }
        finally
        {
            foreach (var store in stores)
                store.Dispose();
            Directory.Delete(directory, recursive: true);
        }
        var loadAfter = LoadAverage();

        var table = new StringBuilder()
            .AppendLine("| synchronous | index | rows | batch | upsert rows/s | batch p50 ms | batch p99 ms |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var (mode, times) in Modes.Zip(batches))
        {
            var latency = new Percentiles(times);
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {mode.ToString().ToUpperInvariant()} | {index} | {rows:N0} | {o.Batch:N0} | {StoreLoad.Rate(rows, times):N0} | {latency.P50:F1} | {latency.P99:F1} |"));
        }
        var fsync = new Percentiles(batches[1].Zip(batches[0], (full, normal) => full - normal));
        Console.Write(table);
        BenchmarkReport.Write(o.Section, $"""
            ### Embedded vector store: the cost of an fsync per batch (`store-sync`, section `{o.Section}`)

            {rows:N0} {vectors.Kind} {o.Dimension}-d rows upserted in batches of {o.Batch:N0} (one SQLite transaction each) into two new stores side by side:
            `VectorStore:Embedded:Synchronous` NORMAL (the commit reaches the OS page cache: it survives kill -9) and FULL (the default: the
            WAL is fsynced at each commit, so an acknowledged batch also survives power loss). Each batch goes to both stores in turns, so
            both meet the same load from whatever else runs on the machine. Index: {index}. Times are inside `UpsertAsync`.

            {table}
            FULL − NORMAL, batch by batch: p50 {fsync.P50:+0.0;−0.0} ms, p99 {fsync.P99:+0.0;−0.0} ms per batch of {o.Batch:N0}: what this machine's disk
            takes to flush. Load average (1 min) before / after: {loadBefore} / {loadAfter}.

            `dotnet run -c Release --project bench/Benchmarks -- store-sync` (options: `--sizes`, `--batch`, `--data`, `--threshold`, `--section`).
            """);
        return 0;
    }

    /// <summary>The 1-minute load average: on a shared machine, how much else ran beside the benchmark.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
