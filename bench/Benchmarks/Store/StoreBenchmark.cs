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
/// scanned exactly). At the end it waits for the builder to catch up and measures again, then the reopen time.
/// The exact neighbours come from a first pass over the same generated vectors, so the ingest pass times only ingest.
/// Options: --sizes 100000,250000,500000,1000000 --data structured(,random) --queries 200 --batch 1000 --window 10000 --catch-up 900
///          --threshold 20000 --m/--ef-construction/--ef/--quantization/--rerank (default: HnswOptions) --section store
/// </summary>
public sealed class StoreBenchmark : IBenchmark
{
    private const int Dimension = 512;
    private const int K = 10;
    private const string Collection = "bench";

    public string Name => "store";

    public string Description => "embedded vector store: sustained upsert rate up to 1M rows, search p50/p95 and recall@10 along the way";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var o = BenchOptions.Parse(args);
        var report = new StringBuilder();
        foreach (var data in o.Data)
            report.AppendLine(await RunOneAsync(o, new SyntheticVectors(data, Dimension, seed: 42), cancellationToken));
        var h = o.Hnsw;
        BenchmarkReport.Write(o.Section, $"""
            ### Embedded vector store: sustained ingest (`store`, section `{o.Section}`)

            `dotnet run -c Release --project bench/Benchmarks -- store`. One new store, {Dimension}-d unit vectors upserted in batches of {o.Batch:N0}
            (one SQLite transaction each, WAL synchronous={new EmbeddedStoreOptions().Synchronous.ToString().ToUpperInvariant()}: acknowledged = fsynced),
            without pause except to measure search at each size. Rows are searchable as soon as the upsert returns: the graph builder
            adds them to the HNSW graph in the background (from {o.Threshold:N0} rows; M={h.M}, efConstruction={h.EfConstruction}, ef={h.EfSearch},
            graph vectors {h.Quantization}, {h.Rerank}×k candidates re-ranked with exact float32 distances), and until then a search scans them exactly.
            Search: {o.Queries} queries (not in the data), one at a time from one thread; recall@10 against exact neighbours found by brute force
            over the generated vectors. `structured` = 32-d latent + 10 % noise, like real embeddings; `random` = i.i.d. directions (worst case).
            Upsert rate = rows / time inside UpsertAsync; end to end also counts generating the vectors; builder = rows sealed into the graph per second.

            {report}
            """);
        return 0;
    }

    private sealed record Checkpoint(string Rows, double UpsertRate, double EndToEndRate, int Unindexed, SearchProbe Search);

    private static async Task<string> RunOneAsync(BenchOptions o, SyntheticVectors vectors, CancellationToken ct)
    {
        var sizes = o.Sizes.Order().ToArray();
        var total = sizes[^1];
        var queries = Enumerable.Range(0, o.Queries).Select(i => vectors.Make(10_000_000_000L + i)).ToArray();
        Console.WriteLine($"[{vectors.Kind}] exact neighbours of {o.Queries} queries at {string.Join(", ", sizes)} rows…");
        var truth = new ExactNeighbours(queries, K);
        var exactAt = new Dictionary<int, HashSet<long>[]>();
        for (var start = 0; start < total; start += o.Batch)
        {
            truth.Offer(Batch(vectors, start, Math.Min(o.Batch, total - start)));
            if (sizes.FirstOrDefault(s => s > start && s <= start + o.Batch) is var size and > 0)
                exactAt[size] = truth.All();
        }

        var directory = Path.Combine(ServiceBuild.RepositoryRoot, ".bench", "store", vectors.Kind);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        var options = new EmbeddedStoreOptions { Path = directory, HnswThreshold = o.Threshold, Hnsw = o.Hnsw };
        var curve = new IngestCurve(o.Window, o.Threshold);
        List<Checkpoint> checkpoints = [];
        string tail;
        using (var store = new EmbeddedVectorStore(options))
        {
            await store.EnsureCollectionAsync(new CollectionSpec(Collection, Dimension, "bench"), ct);
            for (var start = 0; start < total; start += o.Batch)
            {
                var batch = Batch(vectors, start, Math.Min(o.Batch, total - start));
                var upsert = Stopwatch.GetTimestamp();
                await store.UpsertAsync(Collection, batch, ct);
                curve.Upserted(batch.Length, Stopwatch.GetElapsedTime(upsert), () => store.UnindexedRows(Collection));
                if (!exactAt.TryGetValue(start + batch.Length, out var exact))
                    continue;
                var unindexed = store.UnindexedRows(Collection);
                var search = await curve.PausedAsync(() => SearchProbe.RunAsync(store, Collection, queries, exact, K, ct));
                checkpoints.Add(new Checkpoint($"{start + batch.Length:N0}", curve.UpsertRate, curve.EndToEndRate, unindexed, search));
                Console.WriteLine($"[{vectors.Kind} {start + batch.Length:N0}] {curve.UpsertRate:N0} rows/s, {unindexed:N0} not in the graph, search p50 {search.Latency.P50:F2} ms, recall {search.Recall:F3}");
            }
            // The builder catching up, up to --catch-up seconds: how long search stays slower after the ingest stops.
            var (upsertRate, endToEndRate, catchUp) = (curve.UpsertRate, curve.EndToEndRate, Stopwatch.StartNew());
            while (store.UnindexedRows(Collection) > 0 && catchUp.Elapsed.TotalSeconds < o.CatchUpSeconds)
                await Task.Delay(1_000, ct);
            var left = store.UnindexedRows(Collection);
            var afterwards = await SearchProbe.RunAsync(store, Collection, queries, exactAt[total], K, ct);
            var when = left == 0 ? $"builder caught up {catchUp.Elapsed.TotalSeconds:N0} s after the last upsert" : $"{catchUp.Elapsed.TotalSeconds:N0} s after the last upsert, builder not caught up";
            checkpoints.Add(new Checkpoint($"{total:N0}, {when}", upsertRate, endToEndRate, left, afterwards));
            Console.WriteLine($"[{vectors.Kind}] {when}: {left:N0} not in the graph, search p50 {afterwards.Latency.P50:F2} ms, recall {afterwards.Recall:F3}");
            using var process = Process.GetCurrentProcess();
            tail = string.Create(CultureInfo.InvariantCulture,
                $"At {total:N0} rows: RSS {process.WorkingSet64 / 1e6:N0} MB, index {store.IndexMemoryBytes / 1e6:N0} MB (arena + graph).");
        } // saves the graph
        var reopening = Stopwatch.StartNew();
        using (var reopened = new EmbeddedVectorStore(options))
            tail += string.Create(CultureInfo.InvariantCulture,
                $" Reopen (SQLite read + snapshot load): {reopening.Elapsed.TotalSeconds:F1} s, {reopened.UnindexedRows(Collection):N0} rows left to index after it.");
        Directory.Delete(directory, recursive: true);
        return Report(o.Section, vectors.Kind, curve, checkpoints, tail);
    }

    private static VectorRecord[] Batch(SyntheticVectors vectors, int start, int count) =>
        Enumerable.Range(start, count).AsParallel().AsOrdered().Select(i => new VectorRecord(i, vectors.Make(i), $"/images/{i:D7}.jpg", null)).ToArray();

    private static string Report(string section, string kind, IngestCurve curve, List<Checkpoint> checkpoints, string tail)
    {
        var table = new StringBuilder()
            .AppendLine("| rows | upsert rows/s (sustained from 0) | end to end rows/s | rows not yet in the graph | search p50 ms | p95 ms | recall@10 |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var c in checkpoints)
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Rows} | {c.UpsertRate:N0} | {c.EndToEndRate:N0} | {c.Unindexed:N0} | {c.Search.Latency.P50:F2} | {c.Search.Latency.P95:F2} | {c.Search.Recall:F3} |"));
        var rates = SvgChart.Lines($"{section}-ingest-{kind}.svg", $"Upsert rate against rows ({kind}, 512-d)", "rows in the collection", "rows/s",
        [
            new ChartSeries("upsert", curve.Points.Select(p => ((double)p.Rows, p.UpsertRate)).ToList()),
            new ChartSeries("end to end", curve.Points.Select(p => ((double)p.Rows, p.EndToEndRate)).ToList()),
            new ChartSeries("graph builder", curve.Points.Select(p => ((double)p.Rows, p.BuilderRate)).ToList()),
        ]);
        var backlog = SvgChart.Lines($"{section}-backlog-{kind}.svg", $"Rows not yet in the graph ({kind})", "rows in the collection", "rows scanned exactly",
            [new ChartSeries("not in graph", curve.Points.Select(p => ((double)p.Rows, (double)p.Unindexed)).ToList())]);
        return $"""
            #### {kind}

            {table}
            {tail}

            {rates}

            {backlog}
            """;
    }
}
