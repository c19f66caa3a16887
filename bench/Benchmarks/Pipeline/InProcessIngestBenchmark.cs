using System.Diagnostics;
using System.Text;
using ImageSearch.Benchmarks.Embedding;
using ImageSearch.Embedding;
using ImageSearch.Pipeline.Embedder;
using ImageSearch.Pipeline.Indexer;
using ImageSearch.TestSupport;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>
/// The whole pipeline in one process, as the standalone mode composes it (in-memory transport, embed and index consumers,
/// embedded store): publish, embed, index until the store holds every id. Needs no broker, so it also runs on the GPU
/// host, where it shows whether the consumers keep the GPU fed. Each configuration is MessageLimit×ConcurrencyLimit.
/// </summary>
public sealed class InProcessIngestBenchmark : IBenchmark
{
    public string Name => "ingest";

    public string Description => "in-process pipeline img/s (in-memory bus) [--provider cpu|cuda] [--decoder cpu|gpu|auto] [--precision fp32|fp16] [--messages 10000] [--configs 32x1,64x2 (batch×concurrent batches)] [--group true|false (publish groups of one batch, else single images)] [--trace true]";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var provider = arguments.Provider();
        var messages = int.Parse(arguments.Get("messages", "10000"));
        var decoder = Enum.Parse<DecoderKind>(arguments.Get("decoder", "auto"), ignoreCase: true);
        var precision = Enum.Parse<Precision>(arguments.Get("precision", "fp32"), ignoreCase: true);
        var configs = arguments.Get("configs", provider == ExecutionProvider.Cuda ? "64x1,64x2,256x1,256x2" : "32x1")
            .Split(',').Select(c => c.Split('x') is [var b, var n] ? (Batch: int.Parse(b), Concurrency: int.Parse(n)) : throw new ArgumentException($"config '{c}': use BATCHxCONCURRENCY"))
            .ToList();
        var grouped = bool.Parse(arguments.Get("group", "true"));
        var photos = IngestInput.Photos(arguments.DataFolder());
        var folder = Directory.CreateTempSubdirectory("imagesearch-ingest-bench-").FullName;
        try
        {
            var csv = IngestInput.WriteCsv(Path.Combine(folder, "images.csv"), photos, messages);
            var rows = new List<string>();
            foreach (var (batch, concurrency) in configs)
            {
                var run = Path.Combine(folder, $"{batch}x{concurrency}");
                await using var host = await StartAsync(provider, decoder, precision, batch, concurrency, run, cancellationToken);
                // Warm-up: the first batches of each size pick their GPU kernels; not part of the timing.
                var warmup = IngestInput.WriteCsv(Path.Combine(run, "warmup.csv"), photos, 2 * batch * concurrency);
                var perMessage = grouped ? batch : 1;
                await IngestAsync(host, warmup, "warmup", 2 * batch * concurrency, perMessage, cancellationToken);

                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                await IngestAsync(host, csv, "bench", messages, perMessage, cancellationToken, trace: arguments.Get("trace", "") == "true");
                var elapsed = clock.Elapsed;
                var cores = (Process.GetCurrentProcess().TotalProcessorTime - cpu) / elapsed;
                var line = $"| {batch} | {concurrency} | {(grouped ? $"groups of {batch}" : "single images")} | {messages:N0} | {elapsed.TotalSeconds:N1} | {messages / elapsed.TotalSeconds:N0} | {cores:N1} |";
                Console.WriteLine(line);
                rows.Add(line);
                await host.StopAsync();
            }
            var markdown = Report(provider, decoder, precision, photos.Count, rows);
            Console.WriteLine(markdown);
            // The decode path and precision name their own sections, so a GPU-decode run never replaces the CPU-decode one.
            var variant = provider == ExecutionProvider.Cuda && decoder != DecoderKind.Auto ? $"-{decoder}-decode".ToLowerInvariant() : "";
            BenchmarkReport.Write($"{Name}-{provider.ToString().ToLowerInvariant()}{variant}{(precision == Precision.Fp32 ? "" : "-fp16")}", markdown);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Task<PipelineHost> StartAsync(ExecutionProvider provider, DecoderKind decoder, Precision precision, int batch, int concurrency, string folder, CancellationToken cancellationToken) =>
        PipelineHost.StartStandaloneAsync(folder, new Dictionary<string, string?>
        {
            ["Embedding:ExecutionProvider"] = provider.ToString(),
            ["Embedding:Decoder"] = decoder.ToString(),
            ["Embedding:Precision"] = precision.ToString(),
            ["Embedding:MaxBatchSize"] = batch.ToString(),
            ["Embedder:MessageLimit"] = batch.ToString(),
            ["Embedder:ConcurrencyLimit"] = concurrency.ToString(),
            ["Embedder:TimeLimit"] = "00:00:00.2",
        }, cancellationToken);

    /// <summary>
    /// Publishes the CSV into <paramref name="collection"/> and waits until the store holds every id, with no dead letter.
    /// With <paramref name="trace"/>, prints where the pipeline waits (<see cref="IngestTrace"/>).
    /// </summary>
    private static async Task IngestAsync(PipelineHost host, string csv, string collection, int count, int imagesPerMessage, CancellationToken cancellationToken, bool trace = false)
    {
        var tracing = trace ? new IngestTrace(host.Services) : null;
        var publish = IngestInput.PublishAsync(host.Bus, csv, collection, count, cancellationToken, imagesPerMessage);
        await IngestInput.WaitUntilStoredAsync(host, collection, count, cancellationToken, stored =>
        {
            if (publish.IsFaulted)
                publish.GetAwaiter().GetResult(); // its error, rather than waiting for rows that will never come
            tracing?.Poll(stored, publish.IsCompleted);
        });
        await publish;
        tracing?.PrintSummary();
    }

    private static string Report(ExecutionProvider provider, DecoderKind decoder, Precision precision, int distinctPhotos, List<string> rows)
    {
        var device = provider == ExecutionProvider.Cuda ? $"{provider} provider ({EmbeddingSetup.GpuName() ?? "no GPU found"}), `Embedding:Decoder={decoder}`, {precision}" : $"{provider} provider";
        var gc = System.Runtime.GCSettings.IsServerGC ? "Server GC (as the standalone query API runs)" : "workstation GC";
        var text = new StringBuilder()
            .AppendLine($"### In-process pipeline: publish → embed → index in one process, {device}")
            .AppendLine()
            .AppendLine("`dotnet run -c Release --project bench/Benchmarks -- ingest`: the standalone composition (MassTransit in-memory transport, the embed and")
            .AppendLine($"index consumers, the embedded store) ingests a CSV of distinct ids over the {distinctPhotos:N0} shared JPEG photos; time from the first publish until the")
            .AppendLine("store holds every id, after a warm-up of two rounds of batches. Batch = `Embedder:MessageLimit` = `Embedding:MaxBatchSize`; concurrent = `Embedder:ConcurrencyLimit`.")
            .AppendLine()
            .AppendLine($"Messages: `EmbedImageGroup` of one batch each (`ingestor publish --group`), or one `EmbedImage` per image (MassTransit gathers them into batches). {gc}.")
            .AppendLine()
            .AppendLine("| batch | concurrent batches | messages | images | seconds | img/s | cores busy |")
            .AppendLine("|---:|---:|---|---:|---:|---:|---:|");
        foreach (var row in rows)
            text.AppendLine(row);
        return text.ToString();
    }
}
