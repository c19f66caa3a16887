using System.Diagnostics;
using ImageSearch.Benchmarks.Store;
using ImageSearch.Contracts;
using ImageSearch.Pipeline.Indexer;
using ImageSearch.TestSupport;
using MassTransit;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>
/// The index stage alone through the in-memory bus, as the standalone pipeline runs it: vectors published as the embed
/// consumer publishes them, then the index consumer and the embedded store. After a warm-up of 5,000, it times until the
/// store holds every row, printing the stage's progress every half second; it writes no section of docs/benchmarks.md.
/// Options: --messages 20000 --in-flight 64 --pace ROWS_PER_S (0: all at once) --set "Indexer:Key=Value;..."
/// </summary>
public sealed class IndexBusBenchmark : IBenchmark
{
    private const int Warmup = 5_000;

    public string Name => "index-bus";
    public string Description => "index stage alone through the in-memory bus: vectors/s, cores busy, upserts [--messages 20000] [--pace 0] [--set K=V;...]";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var arguments = new BenchmarkArguments(args);
        var (count, inFlight, pace) = (arguments.Integer("messages", 20_000), arguments.Integer("in-flight", 64), arguments.Integer("pace", 0));
        var settings = new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory" };
        foreach (var pair in arguments.Get("set", "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)))
            settings[pair[0]] = pair[1];
        var folder = Directory.CreateTempSubdirectory("imagesearch-index-bus-").FullName;
        try
        {
            await using var host = await PipelineHost.StartIndexerAsync(folder, settings, ct);
            var synthetic = new SyntheticVectors("random", 512, seed: 1);
            var vectors = Enumerable.Range(0, 1_000).Select(i => synthetic.Make(i)).ToArray();
            await PublishAsync(host, "warmup", Warmup, 0, vectors, inFlight, ct);
            await IngestInput.WaitUntilStoredAsync(host, "warmup", Warmup, ct);

            var (cpu, upserts) = (Process.GetCurrentProcess().TotalProcessorTime, IndexerMetrics.UpsertDuration.Count);
            var clock = Stopwatch.StartNew();
            var publish = PublishAsync(host, "bench", count, pace, vectors, inFlight, ct);
            var next = TimeSpan.Zero;
            await IngestInput.WaitUntilStoredAsync(host, "bench", count, ct, stored =>
            {
                if (clock.Elapsed < next)
                    return;
                Console.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s: publish {(publish.IsCompleted ? "done" : "running")}, stored {stored,7:N0}");
                next += TimeSpan.FromMilliseconds(500);
            });
            var elapsed = clock.Elapsed;
            await publish;
            Console.WriteLine($"{count:N0} vectors in {elapsed.TotalSeconds:F2} s = {count / elapsed.TotalSeconds:N0}/s; cores busy " +
                              $"{(Process.GetCurrentProcess().TotalProcessorTime - cpu) / elapsed:F2}; upserts {IndexerMetrics.UpsertDuration.Count - upserts:N0}");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Publishes <paramref name="count"/> vectors into <paramref name="collection"/>, at <paramref name="pace"/> a second (0: at once).</summary>
    private static async Task PublishAsync(PipelineHost host, string collection, int count, int pace, float[][] vectors, int inFlight, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        foreach (var chunk in Enumerable.Range(1, count).Chunk(500))
        {
            if (pace > 0 && TimeSpan.FromSeconds(chunk[0] / (double)pace) - clock.Elapsed is { Ticks: > 0 } wait)
                await Task.Delay(wait, ct);
            await Parallel.ForEachAsync(chunk, new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = ct }, async (i, token) =>
                await host.Bus.Publish(new ImageEmbedded(i, $"/images/{i}.jpg", null, collection, "bench-model", vectors[i % vectors.Length]), token));
        }
    }
}
