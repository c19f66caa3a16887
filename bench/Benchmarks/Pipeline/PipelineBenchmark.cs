using System.Text;
using ImageSearch.Benchmarks.Embedding;
using ImageSearch.TestSupport;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>
/// End-to-end ingest through real processes: a private RabbitMQ node, 1 then 2 <c>ImageSearch.Embedder</c> processes
/// (this benchmark's Release build), the indexer, and the embedded store; img/s and each embedder's RSS over the run.
/// </summary>
public sealed class PipelineBenchmark : IBenchmark
{
    public string Name => "pipeline";

    public string Description => "end-to-end ingest img/s with 1 and 2 embedder processes, and embedder RSS over a 10,000-message run";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var messages = int.Parse(arguments.Get("messages", "10000"));
        var runs = arguments.Integers("embedders", "1,2");
        if (RabbitMqNode.WhyUnavailable() is { } why)
        {
            Console.Error.WriteLine($"cannot run: {why}");
            return 1;
        }
        var data = arguments.DataFolder();
        var photos = IngestInput.Photos(data);

        var folder = Directory.CreateTempSubdirectory("imagesearch-pipeline-bench-").FullName;
        try
        {
            var csv = IngestInput.WriteCsv(Path.Combine(folder, "images.csv"), photos, messages);
            await using var node = await RabbitMqNode.StartAsync(virtualHosts: 0, cancellationToken);
            var bus = new Dictionary<string, string?> { ["Bus:Host"] = "127.0.0.1", ["Bus:Port"] = node.Port.ToString() };
            await using var indexer = await PipelineHost.StartIndexerAsync(folder, bus, cancellationToken);
            var reports = new List<RunReport>();
            foreach (var embedders in runs)
            {
                Console.WriteLine($"{embedders} embedder process(es), {messages:N0} messages...");
                var report = await PipelineRun.RunAsync(indexer, bus, csv, messages,
                    Enumerable.Repeat(new Dictionary<string, string?>(), embedders).ToList(), $"pipeline_{embedders}_embedders", folder, cancellationToken);
                Console.WriteLine($"  {report.Elapsed.TotalSeconds:N1} s, {report.ImagesPerSecond:N1} img/s, shares {string.Join(" / ", report.Embedders.Select(e => e.Embedded))}");
                reports.Add(report);
            }
            var markdown = Report(reports, photos.Count);
            Console.WriteLine(markdown);
            BenchmarkReport.Write(Name, markdown);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Report(List<RunReport> runs, int distinctPhotos)
    {
        static string MiB(long bytes) => (bytes / 1048576.0).ToString("N0");
        var cores = Environment.ProcessorCount;
        var text = new StringBuilder()
            .AppendLine("### End-to-end ingest through real processes")
            .AppendLine()
            .AppendLine($"`dotnet run -c Release --project bench/Benchmarks -- pipeline`: the ingestor's `BulkPublisher` publishes a CSV of {runs[0].Messages:N0} distinct ids over the {distinctPhotos:N0} shared photos")
            .AppendLine("(imagenet-100 and imagenet-1k-samples, repeated) into a private RabbitMQ node; `ImageSearch.Embedder` worker processes (Release, ResNet18 on the CPU, default")
            .AppendLine("settings: batches of 32) embed them; the indexer (default settings, in the benchmark process) upserts into the embedded store. Time runs from the first publish")
            .AppendLine("until the store holds every id, with the embedders already warm. Every run is checked: the store count is exact, no dead letter, each embedder took work.")
            .AppendLine()
            .AppendLine("| embedder processes | images | publish (s) | end to end (s) | img/s | images per embedder | cores busy: embedders | indexer + publisher | everything else |")
            .AppendLine("|---:|---:|---:|---:|---:|---|---:|---:|---:|");
        foreach (var run in runs)
            text.AppendLine($"| {run.Embedders.Count} | {run.Messages:N0} | {run.Publish.TotalSeconds:N1} | {run.Elapsed.TotalSeconds:N1} | {run.ImagesPerSecond:N1} | "
                + $"{string.Join(" / ", run.Embedders.Select(e => e.Embedded.ToString("N0")))} | {run.Embedders.Sum(e => e.Cpu.TotalSeconds) / run.Elapsed.TotalSeconds:N2} | "
                + $"{run.BenchmarkCpu / run.Elapsed:N2} | {run.OtherCores:N2} |");
        text.AppendLine()
            .AppendLine($"On this {cores}-core machine the two embedder processes share the same {cores} cores (each runs ONNX Runtime with a thread per core, and the")
            .AppendLine("indexer and the broker run beside them), so a second process adds no throughput here: the point of the second row is that work is shared and the")
            .AppendLine("count stays exact. With a GPU or a machine per process, each process brings its own device. *Everything else* is the CPU the rest of")
            .AppendLine("the machine used meanwhile (RabbitMQ, and anything else running): read the rates against it.")
            .AppendLine()
            .AppendLine("Embedder memory: RSS (VmRSS of /proc/PID/status) sampled every 250 ms, in MiB; *ready* is after the model warm-up, before the first message.")
            .AppendLine()
            .AppendLine("| embedder processes | process | ready | 25 % stored | 50 % | 75 % | end | peak | steady (median, 2nd half) |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in runs)
            for (var i = 0; i < run.Embedders.Count; i++)
            {
                var e = run.Embedders[i];
                text.AppendLine($"| {run.Embedders.Count} | {i + 1} | {MiB(e.ReadyRss)} | {MiB(e.RssAt(0.25))} | {MiB(e.RssAt(0.5))} | {MiB(e.RssAt(0.75))} | "
                    + $"{MiB(e.Samples[^1].Bytes)} | {MiB(e.PeakRss)} | {MiB(e.SteadyRss)} |");
            }
        return text.ToString();
    }
}
