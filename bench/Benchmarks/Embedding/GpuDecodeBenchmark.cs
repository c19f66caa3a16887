using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ImageSearch.Benchmarks.Pipeline;
using ImageSearch.Embedding;
using ImageSearch.Evaluation.Protocols;
using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>
/// The GPU decode path against the CPU decode path (both with the model on CUDA) and a PyTorch peer, in one run: files to
/// vectors img/s, where the time goes, GPU-vs-CPU vector parity and class-retrieval metrics, fp32 and fp16.
/// </summary>
public sealed class GpuDecodeBenchmark : IBenchmark
{
    public string Name => "gpu";
    public string Description => "GPU vs CPU decode path, fp32/fp16, parity and retrieval [--images 20000] [--batch 256] [--concurrency 4,8,16] [--paths cpu,gpu,gpu-fp16] [--peer peer.json] [--data DIR]";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var (count, batch, concurrency) = (arguments.Integer("images", 20_000), arguments.Integer("batch", 256), arguments.Integers("concurrency", "4,8,16"));
        var data = arguments.DataFolder();
        var photos = IngestInput.Photos(data);
        var files = Enumerable.Range(0, count).Select(i => photos[i % photos.Count]).ToList();
        var paths = arguments.Get("paths", "cpu,gpu,gpu-fp16").Split(',');
        var runs = new List<(string Key, GpuDecodeRun Run)>
        {
            ("cpu", new("CPU decode (OpenCV), model on CUDA", DecoderKind.Cpu, Precision.Fp32)),
            ("gpu", new("GPU decode (nvJPEG + NPP), IO binding", DecoderKind.Gpu, Precision.Fp32)),
            ("gpu-fp16", new("GPU decode (nvJPEG + NPP), IO binding", DecoderKind.Gpu, Precision.Fp16)),
        }.Where(r => paths.Contains(r.Key)).Select(r => r.Run).ToList();
        var fallback = await FallbackCheck.RunAsync(arguments, photos, cancellationToken);
        foreach (var run in runs)
            await run.MeasureAsync(arguments, photos, files, batch, concurrency, cancellationToken);
        if (runs.Count < 3)
        {
            Console.WriteLine("--paths chose fewer than all three paths: the rates above are the result; no report is written");
            return 0;
        }
        var indexRate = await IndexRateAsync(runs[1].PhotoVectors, count, batch, cancellationToken);
        var peers = arguments.Get("peer", "") is { Length: > 0 } peerFile && File.Exists(peerFile)
            ? JsonSerializer.Deserialize<List<PeerResult>>(File.ReadAllText(peerFile), new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? []
            : [];

        var report = new GpuDecodeReport(runs, peers, photos, ClassProtocol.Load(data), indexRate, fallback, count, batch, concurrency, EmbeddingSetup.GpuName() ?? "no GPU found");
        var markdown = report.Markdown();
        Console.WriteLine(markdown);
        BenchmarkReport.Write("gpu-decode", markdown);
        return 0;
    }

    /// <summary>Rows per second the embedded store takes in batches of <paramref name="batch"/>: the index stage of the pipeline.</summary>
    private static async Task<double> IndexRateAsync(float[][] vectors, int count, int batch, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("imagesearch-gpu-index-").FullName;
        try
        {
            using var store = new EmbeddedVectorStore(new EmbeddedStoreOptions { Path = folder });
            await store.EnsureCollectionAsync(new CollectionSpec("bench", vectors[0].Length, "bench"), ct);
            var clock = Stopwatch.StartNew();
            for (var start = 0; start < count; start += batch)
            {
                var records = Enumerable.Range(start, Math.Min(batch, count - start))
                    .Select(i => new VectorRecord(i, vectors[i % vectors.Length], $"/images/{i}.jpg", null)).ToList();
                await store.UpsertAsync("bench", records, ct);
            }
            return count / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>One line of the peer script's JSON (bench/peers/torch_peer.py).</summary>
internal sealed record PeerResult(string Name, int Images, double Seconds, double ImagesPerSecond, int Batch, int Workers, string Precision);
