using System.Diagnostics;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Gpu;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>One embedder configuration of the GPU benchmark: its throughput over many files, its stage times, and its vectors of the shared photos.</summary>
internal sealed record GpuDecodeRun(string Name, DecoderKind Decoder, Precision Precision)
{
    public double ImagesPerSecond { get; private set; }
    public double CoresBusy { get; private set; }
    public string ModelId { get; private set; } = "";
    public IReadOnlyList<(string Stage, long Images, TimeSpan Time)> Stages { get; private set; } = [];
    public float[][] PhotoVectors { get; private set; } = [];

    /// <summary>
    /// Embeds <paramref name="photos"/> once (the vectors compared for parity and retrieval), then <paramref name="files"/>
    /// as <paramref name="concurrency"/> concurrent calls of one batch each, as the embedder worker's consumer does.
    /// </summary>
    public async Task MeasureAsync(BenchmarkArguments arguments, List<string> photos, List<string> files, int batch, int concurrency, CancellationToken ct)
    {
        var options = EmbeddingSetup.Options(arguments, maxBatchSize: batch);
        options.Value.ExecutionProvider = ExecutionProvider.Cuda;
        options.Value.Decoder = Decoder;
        options.Value.Precision = Precision;
        using var embedder = EmbeddingSetup.Embedder(options);
        ModelId = embedder.Model.Id;
        PhotoVectors = (await embedder.EmbedFilesAsync(photos, ct)).Select((r, i) => r.Vector ?? throw new InvalidOperationException($"{Name}: {photos[i]} failed: {r.Error}")).ToArray();
        await EmbedAllAsync(embedder, files.Take(2 * batch * concurrency).ToList(), batch, concurrency, ct); // warm-up: kernels, arenas
        embedder.GpuPath?.Times.Reset();

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var succeeded = await EmbedAllAsync(embedder, files, batch, concurrency, ct);
        var elapsed = clock.Elapsed;
        if (succeeded != files.Count)
            throw new InvalidOperationException($"{Name}: {files.Count - succeeded} of {files.Count} images failed");
        ImagesPerSecond = files.Count / elapsed.TotalSeconds;
        CoresBusy = (Process.GetCurrentProcess().TotalProcessorTime - cpu) / elapsed;
        Stages = embedder.GpuPath?.Times.Snapshot() ?? [];
        Console.WriteLine($"{Name}: {ImagesPerSecond:N0} img/s, {CoresBusy:N1} cores busy ({ModelId}, GPU path {(embedder.GpuPath is null ? "off" : "on")})");
    }

    private static async Task<int> EmbedAllAsync(ImageEmbedder embedder, List<string> files, int batch, int concurrency, CancellationToken ct)
    {
        var succeeded = 0;
        await Parallel.ForEachAsync(files.Chunk(batch), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (chunk, token) =>
            Interlocked.Add(ref succeeded, (await embedder.EmbedFilesAsync(chunk, token)).Count(r => r.Succeeded)));
        return succeeded;
    }
}
