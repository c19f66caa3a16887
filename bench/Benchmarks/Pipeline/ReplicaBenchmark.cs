using System.Text;
using ImageSearch.Benchmarks.Embedding;
using ImageSearch.Embedding;
using ImageSearch.TestSupport;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>
/// Embedder replicas sharing one GPU, through a real RabbitMQ node: 1, 2, 4 ... embedder processes on the model's device,
/// then the largest count with one CPU-only embedder beside them; end-to-end img/s from the first publish until the store
/// holds every id. Runs where no SDK is installed from published apphosts (<see cref="ServiceBuild.PublishedAppsVariable"/>)
/// and an extracted RabbitMQ (<see cref="RabbitMqNode.PortableRootVariable"/>): <c>scripts/gpu-replicas-round.sh</c>.
/// </summary>
public sealed class ReplicaBenchmark : IBenchmark
{
    public string Name => "replicas";

    public string Description => "end-to-end img/s with N embedder processes on one GPU, and with a CPU-only one beside them [--provider cuda] [--decoder gpu] [--embedders 1,2,4] [--cpu-alongside true] [--cpu-threads 0,2 (a CPU replica row for each: its decode, ONNX Runtime and GC threads; 0: its defaults, one per core)] [--batch 256] [--concurrency 4] [--messages 20000] [--group true|false (groups of one batch, else single images)]";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var provider = arguments.Provider();
        var decoder = Enum.Parse<DecoderKind>(arguments.Get("decoder", "auto"), ignoreCase: true);
        var (batch, concurrency) = (arguments.Integer("batch", 256), arguments.Integer("concurrency", 4));
        var messages = arguments.Integer("messages", 20_000);
        var counts = arguments.Integers("embedders", "1,2,4");
        var cpuAlongside = bool.Parse(arguments.Get("cpu-alongside", "true"));
        var cpuThreads = arguments.Integers("cpu-threads", "0");
        var perMessage = bool.Parse(arguments.Get("group", "true")) ? batch : 1;
        if (RabbitMqNode.WhyUnavailable() is { } why)
        {
            Console.Error.WriteLine($"cannot run: {why}");
            return 1;
        }
        var photos = IngestInput.Photos(arguments.DataFolder());
        var device = new Dictionary<string, string?>
        {
            ["Embedding:ExecutionProvider"] = provider.ToString(),
            ["Embedding:Decoder"] = decoder.ToString(),
            ["Embedding:MaxBatchSize"] = batch.ToString(),
            ["Embedder:MessageLimit"] = batch.ToString(),
            ["Embedder:ConcurrencyLimit"] = concurrency.ToString(),
        };
        var runs = counts.Select(n => (Name: $"{n} × {provider}", Devices: n, Settings: Enumerable.Repeat(device, n).ToList())).ToList();
        var most = counts.Max();
        if (cpuAlongside)
            runs.AddRange(cpuThreads.Select(threads => ($"{most} × {provider} + 1 × Cpu{(threads > 0 ? $" ({threads} thread{(threads == 1 ? "" : "s")})" : "")}", most,
                (List<Dictionary<string, string?>>)[.. Enumerable.Repeat(device, most), CpuReplica(threads)])));

        var folder = Directory.CreateTempSubdirectory("imagesearch-replicas-bench-").FullName;
        var results = new List<(string Name, int Devices, RunReport? Report, string? Failure)>();
        try
        {
            var csv = IngestInput.WriteCsv(Path.Combine(folder, "images.csv"), photos, messages);
            await using var node = await RabbitMqNode.StartAsync(virtualHosts: 0, cancellationToken);
            var bus = new Dictionary<string, string?> { ["Bus:Host"] = "127.0.0.1", ["Bus:Port"] = node.Port.ToString() };
            await using var indexer = await PipelineHost.StartIndexerAsync(folder, bus, cancellationToken);
            for (var i = 0; i < runs.Count; i++)
            {
                var (name, devices, settings) = runs[i];
                Console.WriteLine($"{name}: {messages:N0} messages...");
                try
                {
                    IReadOnlyList<IReadOnlyDictionary<string, string?>> embedders = settings;
                    // A full round of batches for every process: each picks its GPU kernels for the batch size before the clock starts.
                    var warmup = batch * concurrency * settings.Count;
                    var warmupCsv = IngestInput.WriteCsv(Path.Combine(folder, $"warmup-{i}.csv"), photos, warmup);
                    var report = await PipelineRun.RunAsync(indexer, bus, csv, messages, embedders, $"replicas_{i}", folder, cancellationToken,
                        (warmupCsv, warmup), new GpuUtilisation(), perMessage);
                    Console.WriteLine($"  {report.Elapsed.TotalSeconds:N1} s, {report.ImagesPerSecond:N0} img/s, shares {string.Join(" / ", report.Embedders.Select(e => e.Embedded))}");
                    results.Add((name, devices, report, null));
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    // One configuration failing (a replica that cannot start, a stall) still leaves the others measured.
                    Console.Error.WriteLine($"  failed: {e}");
                    results.Add((name, devices, null, e.Message.Split('\n')[0]));
                }
            }
            var markdown = Report(provider, decoder, batch, concurrency, perMessage, photos.Count, results);
            Console.WriteLine(markdown);
            // Each device and decoder has its own section, so a CPU-decode or a local CPU run never replaces the GPU one.
            BenchmarkReport.Write(provider == ExecutionProvider.Cpu ? $"{Name}-cpu" : decoder == DecoderKind.Cpu ? $"{Name}-cpu-decode" : Name, markdown);
            return results.Any(r => r.Report is null) ? 1 : 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// A CPU-only embedder with the embedder's defaults (batches of 32, one at a time), as a CPU-only machine would run it, or
    /// held to <paramref name="threads"/> decode, ONNX Runtime and GC threads so that it leaves the GPU replicas their cores.
    /// </summary>
    private static Dictionary<string, string?> CpuReplica(int threads)
    {
        var cpu = new Dictionary<string, string?> { ["Embedding:ExecutionProvider"] = "Cpu", ["Embedding:Decoder"] = "Cpu" };
        if (threads > 0)
        {
            cpu["Embedding:IntraOpThreads"] = cpu["Embedding:DecodeParallelism"] = threads.ToString();
            cpu["DOTNET_GCHeapCount"] = threads.ToString("x"); // read as hexadecimal
        }
        return cpu;
    }

    private static string Report(
        ExecutionProvider provider, DecoderKind decoder, int batch, int concurrency, int perMessage, int distinctPhotos, List<(string Name, int Devices, RunReport? Report, string? Failure)> runs)
    {
        var gpu = provider == ExecutionProvider.Cuda ? EmbeddingSetup.GpuName() ?? "no GPU found" : null;
        var text = new StringBuilder()
            .AppendLine($"### Embedder replicas through RabbitMQ{(gpu is null ? $", {provider} provider" : $" on one GPU ({gpu}), `Embedding:Decoder={decoder}`")}")
            .AppendLine()
            .AppendLine($"`Benchmarks replicas`: the ingestor's `BulkPublisher` publishes a CSV of {runs.Select(r => r.Report?.Messages ?? 0).Max():N0} distinct ids over the {distinctPhotos:N0} shared photos")
            .AppendLine($"into a private RabbitMQ node ({(perMessage > 1 ? $"`EmbedImageGroup` messages of {perMessage} images, queue `embed-image-group`" : "one `EmbedImage` message per image, queue `embed-image`")});")
            .AppendLine("N `ImageSearch.Embedder` processes consume that one queue; the indexer (in the benchmark")
            .AppendLine("process) upserts into the embedded store. Time runs from the first publish until the store holds every id, after each set of processes")
            .AppendLine($"is ready and has embedded a warm-up of its own. {provider} replicas: `Embedding:ExecutionProvider={provider}`, `Embedding:Decoder={decoder}`,")
            .AppendLine($"batches of {batch} (`Embedder:MessageLimit` = `Embedding:MaxBatchSize`), {concurrency} at once per process (`Embedder:ConcurrencyLimit`);")
            .AppendLine($"the CPU replica runs the embedder's defaults (ONNX Runtime CPU, OpenCV decode, one batch at a time: {(perMessage > 1 ? "a group" : "32 images")}); with *N threads*, its decode and ONNX Runtime threads and GC heaps are N. Each run is checked: exact store count, no dead letter, every")
            .AppendLine("process took work. *GPU busy*: mean of `nvidia-smi` utilisation over the timed part (time a kernel ran, not how much of the chip).")
            .AppendLine($"*Scaling*: img/s over (its {provider} processes × img/s of one). *RSS*: each process's median resident memory over the second half of the run. *99 % stored*: from the first publish (the last 1 % is the tail: the batches a slow process still holds).")
            .AppendLine()
            .AppendLine("| embedder processes | images | publish (s) | 99 % stored (s) | end to end (s) | img/s | scaling | images per process | RSS per process (MiB) | GPU busy | GPU memory peak (MiB) | cores busy: embedders | indexer + publisher | everything else |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|");
        var single = runs.FirstOrDefault(r => r.Devices == 1 && r.Report?.Embedders.Count == 1).Report?.ImagesPerSecond;
        foreach (var (name, devices, run, failure) in runs)
            text.AppendLine(run is null
                ? $"| {name} | failed: {failure} | | | | | | | | | | | | |"
                : $"| {name} | {run.Messages:N0} | {run.Publish.TotalSeconds:N1} | {run.NearlyAll.TotalSeconds:N1} | {run.Elapsed.TotalSeconds:N1} | **{run.ImagesPerSecond:N0}** | "
                  + $"{(single is { } one ? $"{run.ImagesPerSecond / (one * devices):P0}" : "–")} | "
                  + $"{string.Join(" / ", run.Embedders.Select(e => e.Embedded.ToString("N0")))} | {string.Join(" / ", run.Embedders.Select(e => (e.SteadyRss >> 20).ToString("N0")))} | "
                  + $"{(run.Gpu is { } g ? $"{g.MeanBusy:N0} %" : "–")} | "
                  + $"{(run.Gpu is { } m ? m.PeakMemoryMiB.ToString("N0") : "–")} | {run.Embedders.Sum(e => e.Cpu.TotalSeconds) / run.Elapsed.TotalSeconds:N1} | "
                  + $"{run.BenchmarkCpu / run.Elapsed:N1} | {run.OtherCores:N1} |");
        return text.ToString();
    }
}
