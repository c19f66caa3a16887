using System.Diagnostics;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// The paced ingest (<c>--rate</c>): batch b is due at b × batch / rate seconds from the first row, and one that falls
/// behind goes at once, so the achieved rate is the target unless the store cannot hold it. Searches run in the slack
/// between batches on the same thread, so each query sees a fixed set of rows and its recall is exact: on reaching each
/// size, the probe's queries one after another (against the exact neighbours of the rows present then, known at each
/// batch end for <see cref="ProbeSpan"/> rows past the size); otherwise <see cref="SearchesPerSecond"/> queries a second
/// for the latency curve. The searches meet the ingest and the builder on the same cores, as they would in service.
/// </summary>
internal sealed class PacedIngest(EmbeddedVectorStore store, string collection, SyntheticVectors vectors, float[][] queries, int k, BenchOptions o)
{
    public const int SearchesPerSecond = 10;

    /// <summary>Search latencies with the rows present at the time, for the curve.</summary>
    public List<(int Rows, double Milliseconds)> Latencies { get; } = [];

    /// <summary>Rows past a size within which its probe must finish: 30 s of ingest.</summary>
    public static int ProbeSpan(BenchOptions o) => Math.Max(o.Batch, o.Rate * 30);

    private sealed class Probe(int rows, int unindexed, double rate, double upsertRate, BuilderMeter.Reading builder)
    {
        public List<double> Latencies { get; } = [];
        public int Found { get; set; }

        public Checkpoint Finish(int k, int queries) => new(
            Latencies.Count < queries ? $"{rows:N0} ({Latencies.Count} queries)" : $"{rows:N0}",
            upsertRate, rate, unindexed, builder, SearchProbe.Of(Latencies, Found, k));
    }

    public async Task<List<Checkpoint>> RunAsync(IngestCurve curve, BuilderMeter meter, Dictionary<int, HashSet<long>[]> exactAt, CancellationToken ct)
    {
        var sizes = o.Sizes.Order().ToArray();
        var total = sizes[^1];
        var (clock, rows, background, nextSearch) = (Stopwatch.StartNew(), 0, 0, TimeSpan.Zero);
        List<Checkpoint> checkpoints = [];
        Probe? probe = null;
        while (rows < total || probe is not null)
        {
            var due = TimeSpan.FromSeconds(rows / (double)o.Rate);
            if (rows < total && clock.Elapsed >= due)
            {
                var batch = vectors.Records(rows, Math.Min(o.Batch, total - rows));
                var upsert = Stopwatch.GetTimestamp();
                await store.UpsertAsync(collection, batch, ct);
                rows += batch.Length;
                curve.Upserted(batch.Length, Stopwatch.GetElapsedTime(upsert), () => store.UnindexedRows(collection));
                if (sizes.Contains(rows))
                    probe = new Probe(rows, store.UnindexedRows(collection), rows / clock.Elapsed.TotalSeconds, curve.UpsertRate, meter.Read());
            }
            else if (probe is not null)
            {
                if (probe.Latencies.Count == queries.Length || !exactAt.TryGetValue(rows, out var exact))
                {
                    checkpoints.Add(probe.Finish(k, queries.Length));
                    Console.WriteLine($"[{vectors.Kind}] {checkpoints[^1].Line}");
                    probe = null;
                    continue;
                }
                var i = probe.Latencies.Count;
                var (milliseconds, found) = await SearchProbe.QueryAsync(store, collection, queries[i], exact[i], k, ct);
                probe.Found += found;
                probe.Latencies.Add(milliseconds);
                Latencies.Add((rows, milliseconds));
            }
            else if (clock.Elapsed >= nextSearch)
            {
                var (milliseconds, _) = await SearchProbe.QueryAsync(store, collection, queries[background++ % queries.Length], [], k, ct);
                Latencies.Add((rows, milliseconds));
                nextSearch = clock.Elapsed + TimeSpan.FromSeconds(1.0 / SearchesPerSecond);
            }
            else if ((due < nextSearch ? due : nextSearch) - clock.Elapsed is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, ct);
            }
        }
        return checkpoints;
    }
}
