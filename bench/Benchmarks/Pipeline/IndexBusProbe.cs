using System.Diagnostics;
using ImageSearch.Contracts;
using ImageSearch.Pipeline.Indexer;
using ImageSearch.TestSupport;
using MassTransit;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>
/// The index stage alone through the in-memory bus, as the standalone pipeline runs it: vectors published as the embed
/// consumer publishes them, then the index consumer and the embedded store; after a warm-up of 5,000, time until the store
/// holds every row, with the stage's progress every half second. Prints; writes no section of docs/benchmarks.md.
/// Options: --messages 20000 --in-flight 64 --pace ROWS_PER_S (0: all at once) --set "Indexer:Key=Value;..."
/// </summary>
public sealed class IndexBusProbe : IBenchmark
{
    public string Name => "index-bus";
    public string Description => "index stage alone through the in-memory bus: vectors/s, cores busy, upserts [--messages 20000] [--pace 0] [--set K=V;...]";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var a = new BenchmarkArguments(args);
        var n = a.Integer("messages", 20000);
        var inFlight = a.Integer("in-flight", 64);
        var folder = Directory.CreateTempSubdirectory("probe-").FullName;
        var settings = new List<KeyValuePair<string, string?>> { new("Bus:Transport", "InMemory") };
        settings.AddRange(a.Get("set", "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).Select(p => new KeyValuePair<string, string?>(p[0], p[1])));
        await using var host = await PipelineHost.StartIndexerAsync(folder, settings, ct);
        var random = new Random(1);
        var vectors = Enumerable.Range(0, 1000).Select(_ =>
        {
            var v = Enumerable.Range(0, 512).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            var len = MathF.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / len).ToArray();
        }).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(1, 5000), new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = ct }, async (i, t) =>
            await host.Bus.Publish(new ImageEmbedded(i, $"/x/{i}.jpg", null, "warm", "bench-model", vectors[i % vectors.Length]), t));
        while (await host.CountAsync("warm", ct) < 5000)
            await Task.Delay(20, ct);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var publishedAt = TimeSpan.Zero;
        var publish = Task.Run(async () =>
        {
            var pace = a.Integer("pace", 0);
            for (var start = 1; start <= n; start += 500)
            {
                var until = pace > 0 ? TimeSpan.FromSeconds(start / (double)pace) : TimeSpan.Zero;
                if (until > clock.Elapsed)
                    await Task.Delay(until - clock.Elapsed, ct);
                await Parallel.ForEachAsync(Enumerable.Range(start, Math.Min(500, n - start + 1)), new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = ct }, async (i, t) =>
                    await host.Bus.Publish(new ImageEmbedded(i, $"/x/{i}.jpg", null, "bench", "bench-model", vectors[i % vectors.Length]), t));
            }
            publishedAt = clock.Elapsed;
        }, ct);
        var next = TimeSpan.Zero;
        long stored;
        while ((stored = await host.CountAsync("bench", ct)) < n)
        {
            if (clock.Elapsed >= next)
            {
                Console.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s publish {(publish.IsCompleted ? "done" : "running")} indexed {IndexerMetrics.VectorsIndexed.Value,7:N0} stored {stored,7:N0}");
                next += TimeSpan.FromMilliseconds(500);
            }
            await Task.Delay(20, ct);
        }
        await publish;
        Console.WriteLine($"{n} in {clock.Elapsed.TotalSeconds:F2} s = {n / clock.Elapsed.TotalSeconds:N0}/s; published in {publishedAt.TotalSeconds:F2} s; cores busy {(Process.GetCurrentProcess().TotalProcessorTime - cpu) / clock.Elapsed:F2}; upserts {IndexerMetrics.UpsertDuration.Count}");
        return 0;
    }
}
