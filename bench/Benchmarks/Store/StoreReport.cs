using System.Globalization;
using System.Text;
using ImageSearch.Benchmarks.Api;
using ImageSearch.VectorStore;

namespace ImageSearch.Benchmarks.Store;

/// <summary>The store as it stood at one size: ingest rates from the first row, rows not in the graph, the builder, search.</summary>
internal sealed record Checkpoint(string Rows, double UpsertRate, double EndToEndRate, int Unindexed, BuilderMeter.Reading Builder, SearchProbe Search)
{
    public string Row => string.Create(CultureInfo.InvariantCulture,
        $"| {Rows} | {UpsertRate:N0} | {EndToEndRate:N0} | {Unindexed:N0} | {Builder.RowsPerSecond:N0} ({Builder.Busy:P0} busy, {Builder.Capacity:N0} when busy) | {Search.Latency.P50:F2} | {Search.Latency.P95:F2} | {Search.Recall:F3} |");

    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"{Rows}: {EndToEndRate:N0} rows/s, {Unindexed:N0} not in the graph, builder {Builder.RowsPerSecond:N0} rows/s ({Builder.Busy:P0} busy), search p50 {Search.Latency.P50:F2} ms p95 {Search.Latency.P95:F2} ms, recall {Search.Recall:F3}");
}

/// <summary>The markdown of one data kind's run of <c>store</c>: the checkpoints and the charts.</summary>
internal static class StoreReport
{
    public static string Heading(BenchOptions o)
    {
        var h = o.Hnsw;
        var (how, search, rate) = o.Rate > 0
            ? ($"at a held pace of {o.Rate:N0} rows/s (batch b due at b × {o.Batch:N0} / {o.Rate:N0} s; a late one goes at once)",
               $"on the ingest's thread, in the slack between batches (so each query sees a fixed set of rows): at each size the {o.Queries} probe queries one after another, and {PacedIngest.SearchesPerSecond} queries/s in between for the latency chart (p50/p95 per {o.Window:N0} rows); the searches share the cores with the ingest and the builder",
               "achieved = rows / wall time from the first row")
            : ("without pause except to measure search at each size", $"{o.Queries} queries at each size, ingest paused, one at a time from one thread",
               "end to end also counts generating the vectors");
        return $"""
            ### Embedded vector store: sustained ingest (`store`, section `{o.Section}`)

            `dotnet run -c Release --project bench/Benchmarks -- store{(o.Rate > 0 ? $" --rate {o.Rate}" : "")}`. One new store, {o.Dimension}-d unit vectors upserted in batches of {o.Batch:N0}
            (one SQLite transaction each, WAL synchronous={new EmbeddedStoreOptions().Synchronous.ToString().ToUpperInvariant()}: acknowledged = fsynced),
            {how}. Rows are searchable as soon as the upsert returns: the graph builder
            adds them to the HNSW graph in the background (from {o.Threshold:N0} rows; {(h.ShardRows > 0 ? $"shards of up to {h.ShardRows:N0} rows, searched in parallel; " : "")}M={h.M}, efConstruction={h.EfConstruction}, ef={h.EfSearch},
            graph vectors {(h.Dimensions > 0 && h.Dimensions < o.Dimension ? $"projected onto {h.Dimensions} principal directions, " : "")}{h.Quantization}, {h.Rerank}×k candidates re-ranked with exact float32 distances), and until then a search scans them exactly.
            Search: {search}; queries are not in the data; recall@10 against exact neighbours found by brute force
            over the generated vectors. `structured` = 32-d latent + 10 % noise, like real embeddings; `random` = i.i.d. directions (worst case).
            Upsert rate = rows / time inside UpsertAsync; {rate}; graph builder = rows it added per second of wall time since the
            previous line, the share of that time it was busy, and rows per busy second (what it could sustain beside this ingest).
            """;
    }

    public static string Section(BenchOptions o, string kind, IngestCurve curve, List<Checkpoint> checkpoints,
        IReadOnlyList<(int Rows, double Milliseconds)> latencies, string tail)
    {
        var rate = o.Rate > 0 ? $"achieved rows/s (target {o.Rate:N0})" : "end to end rows/s";
        var table = new StringBuilder()
            .AppendLine($"| rows | upsert rows/s (sustained from 0) | {rate} | rows not yet in the graph | graph builder rows/s | search p50 ms | p95 ms | recall@10 |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in checkpoints)
            table.AppendLine(c.Row);
        var section = o.Section;
        var charts = new List<string>
        {
            SvgChart.Lines($"{section}-ingest-{kind}.svg", $"Upsert rate against rows ({kind}, {o.Dimension}-d)", "rows in the collection", "rows/s",
            [
                new ChartSeries("upsert", curve.Points.Select(p => ((double)p.Rows, p.UpsertRate)).ToList()),
                new ChartSeries(o.Rate > 0 ? "achieved" : "end to end", curve.Points.Select(p => ((double)p.Rows, p.EndToEndRate)).ToList()),
                new ChartSeries("graph builder", curve.Points.Select(p => ((double)p.Rows, p.BuilderRate)).ToList()),
            ]),
            SvgChart.Lines($"{section}-backlog-{kind}.svg", $"Rows not yet in the graph ({kind})", "rows in the collection", "rows scanned exactly",
                [new ChartSeries("not in graph", curve.Points.Select(p => ((double)p.Rows, (double)p.Unindexed)).ToList())]),
        };
        if (latencies.Count > 0)
            charts.Add(SvgChart.Lines($"{section}-search-{kind}.svg", $"Search latency while ingesting ({kind})", "rows in the collection", "ms",
            [
                new ChartSeries("p50", PerWindow(latencies, o.Window, p => p.P50)),
                new ChartSeries("p95", PerWindow(latencies, o.Window, p => p.P95)),
            ]));
        return $"""
            #### {kind}
            {table}
            {tail}
            {string.Join("\n\n", charts)}
            """;
    }

    /// <summary>A percentile of the latencies in each window of rows, placed at the window's end.</summary>
    private static List<(double, double)> PerWindow(IReadOnlyList<(int Rows, double Milliseconds)> latencies, int window, Func<Percentiles, double> percentile) =>
        latencies.GroupBy(l => (l.Rows + window - 1) / window)
            .Select(g => ((double)g.Key * window, percentile(new Percentiles(g.Select(l => l.Milliseconds)))))
            .ToList();
}
