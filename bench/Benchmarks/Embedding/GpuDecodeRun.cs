using System.Diagnostics;
using ImageSearch.Embedding;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>One embedder configuration of the GPU benchmark: its throughput over many files, its stage times, and its vectors of the shared photos.</summary>
internal sealed record GpuDecodeRun(string Name, DecoderKind Decoder, Precision Precision)
{
    /// <summary>img/s and cores busy at each number of concurrent calls.</summary>
    public List<(int Concurrency, double ImagesPerSecond, double CoresBusy)> Rates { get; } = [];
    public double ImagesPerSecond => Rates.Max(r => r.ImagesPerSecond);
    public (int Concurrency, double ImagesPerSecond, double CoresBusy) Best => Rates.MaxBy(r => r.ImagesPerSecond);
    public string ModelId { get; private set; } = "";
    public IReadOnlyList<(string Stage, long Images, TimeSpan Time)> Stages { get; private set; } = [];
    public float[][] PhotoVectors { get; private set; } = [];

    /// <summary>
    /// Embeds <paramref name="photos"/> once (the vectors compared for parity and retrieval), then <paramref name="files"/>
    /// as each of <paramref name="concurrencies"/> concurrent calls of one batch each, as the embedder worker's consumer does;
    /// the stage times are those of the best.
    /// </summary>
    public async Task MeasureAsync(BenchmarkArguments arguments, List<string> photos, List<string> files, int batch, int[] concurrencies, CancellationToken ct)
    {
        var options = EmbeddingSetup.Options(arguments, maxBatchSize: batch);
        options.Value.ExecutionProvider = ExecutionProvider.Cuda;
        options.Value.Decoder = Decoder;
        options.Value.Precision = Precision;
        using var embedder = EmbeddingSetup.Embedder(options);
        ModelId = embedder.Model.Id;
        PhotoVectors = (await embedder.EmbedFilesAsync(photos, ct)).Select((r, i) => r.Vector ?? throw new InvalidOperationException($"{Name}: {photos[i]} failed: {r.Error}")).ToArray();
        foreach (var concurrency in concurrencies)
        {
            await EmbedAllAsync(embedder, files.Take(2 * batch * concurrency).ToList(), batch, concurrency, ct); // warm-up: kernels, arenas
            embedder.Times.Reset();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var succeeded = await EmbedAllAsync(embedder, files, batch, concurrency, ct);
            var elapsed = clock.Elapsed;
            if (succeeded != files.Count)
                throw new InvalidOperationException($"{Name}: {files.Count - succeeded} of {files.Count} images failed");
            var rate = files.Count / elapsed.TotalSeconds;
            if (Rates.Count == 0 || rate > ImagesPerSecond)
                Stages = embedder.Times.Snapshot();
            Rates.Add((concurrency, rate, (Process.GetCurrentProcess().TotalProcessorTime - cpu) / elapsed));
            Console.WriteLine($"{Name}: {rate:N0} img/s at {concurrency} concurrent calls, {Rates[^1].CoresBusy:N1} cores busy ({ModelId}, GPU path {(embedder.GpuPath is null ? "off" : "on")})");
        }
        foreach (var (stage, images, time) in Stages.Where(s => s.Images > 0))
            Console.WriteLine($"  {stage}: {time.TotalMilliseconds / images:F3} ms per image ({images:N0} images)");
        if (embedder.GpuPath is { } gpu)
            foreach (var threads in (int[])[1, 2, 4])
            {
                InferenceAlone.Add((threads, gpu.MeasureInference(batch, rounds: 20, threads)));
                Console.WriteLine($"{Name}: inference alone {InferenceAlone[^1].ImagesPerSecond:N0} img/s on {threads} threads ({ModelId}, batch {batch})");
            }
    }

    /// <summary>img/s of inference alone on batches already in GPU memory, by threads running it at once (empty off the GPU path).</summary>
    public List<(int Threads, double ImagesPerSecond)> InferenceAlone { get; } = [];

    private static async Task<int> EmbedAllAsync(ImageEmbedder embedder, List<string> files, int batch, int concurrency, CancellationToken ct)
    {
        var succeeded = 0;
        await Parallel.ForEachAsync(files.Chunk(batch), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (chunk, token) =>
            Interlocked.Add(ref succeeded, (await embedder.EmbedFilesAsync(chunk, token)).Count(r => r.Succeeded)));
        return succeeded;
    }
}
