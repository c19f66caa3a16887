using System.Diagnostics;
using System.Globalization;
using System.Text;
using ImageSearch.TestSupport;
using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// One sustained ingest of 512-d unit vectors into a new embedded store, up to the largest size (1M by default), in batches
/// (one SQLite transaction and fsync each), while its graph builder works in the background. Every <c>--window</c> rows it
/// records the upsert rate (time inside UpsertAsync), the end-to-end rate (with vector generation) and the builder's rate;
/// at each size it pauses to measure search p50/p95 and recall@10 as the store stands (rows not yet in the graph are
/// scanned exactly). With <c>--rate N</c> it holds N rows/s instead and searches while ingesting (<see cref="PacedIngest"/>).
/// At the end it waits for the builder to catch up and measures again, then the reopen time.
/// The exact neighbours come from a first pass over the same generated vectors, so the ingest pass times only ingest.
/// Options: --sizes 100000,250000,500000,1000000 --data structured(,random) --queries 200 --batch 1000 --window 10000 --catch-up 900 --rate 0 --dimension 512
///          --reopen 128,256:8 (ef[:rerank] settings measured on the finished graph)
///          --threshold 20000 --m/--ef-construction/--ef/--quantization/--rerank/--graph-dimensions/--shard-rows (default: HnswOptions) --section store
/// </summary>
public sealed class StoreBenchmark : IBenchmark
{
    private const int K = 10;
    private const string Collection = "bench";

    public string Name => "store";

    public string Description => "embedded vector store: sustained upsert rate up to 1M rows, search p50/p95 and recall@10 along the way";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var o = BenchOptions.Parse(args);
        var report = new StringBuilder();
        foreach (var data in o.Data)
            report.AppendLine(await RunOneAsync(o, new SyntheticVectors(data, o.Dimension, seed: 42), cancellationToken));
        BenchmarkReport.Write(o.Section, StoreReport.Heading(o) + "\n\n" + report);
        return 0;
    }

    private static async Task<string> RunOneAsync(BenchOptions o, SyntheticVectors vectors, CancellationToken ct)
    {
        var sizes = o.Sizes.Order().ToArray();
        var total = sizes[^1];
        var queries = Enumerable.Range(0, o.Queries).Select(i => vectors.Make(10_000_000_000L + i)).ToArray();
        Console.WriteLine($"[{vectors.Kind}] exact neighbours of {o.Queries} queries at {string.Join(", ", sizes)} rows…");
        var span = o.Rate > 0 ? PacedIngest.ProbeSpan(o) : 1; // paced: a probe's queries see the rows of the batches after the size too
        var exactAt = ExactNeighbours.At(vectors, queries, K, total, o.Batch, rows => sizes.Any(s => rows >= s && rows < s + span));
        var directory = Path.Combine(ServiceBuild.RepositoryRoot, ".bench", "store", vectors.Kind);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        var options = new EmbeddedStoreOptions { Path = directory, HnswThreshold = o.Threshold, Hnsw = o.Hnsw };
        var curve = new IngestCurve(o.Window, o.Threshold);
        List<Checkpoint> checkpoints;
        List<(int, double)> latencies = [];
        string tail;
        using (var store = new EmbeddedVectorStore(options))
        {
            await store.EnsureCollectionAsync(new CollectionSpec(Collection, o.Dimension, "bench"), ct);
            var meter = new BuilderMeter(store, Collection);
            if (o.Rate > 0)
            {
                var paced = new PacedIngest(store, Collection, vectors, queries, K, o);
                checkpoints = await paced.RunAsync(curve, meter, exactAt, ct);
                latencies = paced.Latencies;
            }
            else
            {
                checkpoints = await IngestAsync(store, vectors, o, curve, meter, queries, exactAt, ct);
            }
            // The builder catching up, up to --catch-up seconds: how long search stays slower after the ingest stops.
            var (upsertRate, endToEndRate, catchUp) = (curve.UpsertRate, curve.EndToEndRate, Stopwatch.StartNew());
            while (store.UnindexedRows(Collection) > 0 && catchUp.Elapsed.TotalSeconds < o.CatchUpSeconds)
                await Task.Delay(1_000, ct);
            var (left, builder) = (store.UnindexedRows(Collection), meter.Read());
            var afterwards = await SearchProbe.RunAsync(store, Collection, queries, exactAt[total], K, ct);
            var when = left == 0 ? $"builder caught up {catchUp.Elapsed.TotalSeconds:N0} s after the last upsert" : $"{catchUp.Elapsed.TotalSeconds:N0} s after the last upsert, builder not caught up";
            checkpoints.Add(new Checkpoint($"{total:N0}, {when}", upsertRate, endToEndRate, left, builder, afterwards));
            Console.WriteLine($"[{vectors.Kind}] {checkpoints[^1].Line}");
            using var process = Process.GetCurrentProcess();
            tail = string.Create(CultureInfo.InvariantCulture,
                $"At {total:N0} rows: RSS {process.WorkingSet64 / 1e6:N0} MB, index {store.IndexMemoryBytes / 1e6:N0} MB (arena + graph).");
            var closing = Stopwatch.StartNew();
            store.Dispose(); // saves the graph, as the builder does every SnapshotEveryChanges changes
            tail += string.Create(CultureInfo.InvariantCulture, $" Close (graph snapshot saved): {closing.Elapsed.TotalSeconds:F1} s.");
        }
        var reopening = Stopwatch.StartNew();
        using (var reopened = new EmbeddedVectorStore(options))
            tail += string.Create(CultureInfo.InvariantCulture,
                $" Reopen (SQLite read + snapshot load): {reopening.Elapsed.TotalSeconds:F1} s, {reopened.UnindexedRows(Collection):N0} rows left to index after it.");
        foreach (var setting in o.Reopen)
        {
            using var reopened = new EmbeddedVectorStore(new EmbeddedStoreOptions { Path = directory, HnswThreshold = o.Threshold, Hnsw = setting });
            var search = await SearchProbe.RunAsync(reopened, Collection, queries, exactAt[total], K, ct);
            tail += string.Create(CultureInfo.InvariantCulture,
                $" Reopened with ef={setting.EfSearch}, rerank {setting.Rerank}: search p50 {search.Latency.P50:F2} ms, p95 {search.Latency.P95:F2} ms, recall@10 {search.Recall:F3}.");
            Console.WriteLine($"[{vectors.Kind}] ef={setting.EfSearch} rerank={setting.Rerank}: p50 {search.Latency.P50:F2} ms p95 {search.Latency.P95:F2} ms recall {search.Recall:F3}");
        }
        var projected = Directory.EnumerateFiles(directory, "*.projection").Any();
        tail += projected ? $" The graph held {o.Hnsw.Dimensions}-d projections" : " The graph held whole vectors";
        tail += $", in {Directory.EnumerateFiles(directory, "*.usearch").Count()} shard(s).";
        Directory.Delete(directory, recursive: true);
        return StoreReport.Section(o, vectors.Kind, curve, checkpoints, latencies, tail);
    }

    /// <summary>Upserts as fast as the store takes them, pausing the ingest (not the builder) to probe search at each size.</summary>
    private static async Task<List<Checkpoint>> IngestAsync(EmbeddedVectorStore store, SyntheticVectors vectors, BenchOptions o, IngestCurve curve,
        BuilderMeter meter, float[][] queries, Dictionary<int, HashSet<long>[]> exactAt, CancellationToken ct)
    {
        var total = o.Sizes.Max();
        List<Checkpoint> checkpoints = [];
        for (var start = 0; start < total; start += o.Batch)
        {
            var batch = vectors.Records(start, Math.Min(o.Batch, total - start));
            var upsert = Stopwatch.GetTimestamp();
            await store.UpsertAsync(Collection, batch, ct);
            curve.Upserted(batch.Length, Stopwatch.GetElapsedTime(upsert), () => store.UnindexedRows(Collection));
            if (!exactAt.TryGetValue(start + batch.Length, out var exact))
                continue;
            var (unindexed, builder) = (store.UnindexedRows(Collection), meter.Read());
            var search = await curve.PausedAsync(() => SearchProbe.RunAsync(store, Collection, queries, exact, K, ct));
            checkpoints.Add(new Checkpoint($"{start + batch.Length:N0}", curve.UpsertRate, curve.EndToEndRate, unindexed, builder, search));
            Console.WriteLine($"[{vectors.Kind}] {checkpoints[^1].Line}");
        }
        return checkpoints;
    }
}
