using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using ImageSearch.Contracts;
using ImageSearch.DeadLetters.ErrorQueues;
using ImageSearch.TestSupport;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>
/// A soak: many messages through the whole pipeline as separate processes (the ingestor CLI publishing, an embedder, the
/// indexer, the query API following the store and answering a search and a count every 2 s) on a private RabbitMQ node,
/// with the RSS of every process, the broker's Erlang VM included, sampled each second. The CSV cycles over the shared
/// photos with their own ids, so every message is embedded and indexed while the store stays at one row per photo:
/// memory that still grows after the first pass is not data.
/// </summary>
public sealed class SoakBenchmark : IBenchmark
{
    private const string Indexed = "imagesearch_indexer_vectors_indexed_total";
    private const string Embedded = "imagesearch_embedder_images_embedded_total";
    private static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(3);

    public string Name => "soak";

    public string Description => "20,000 messages through publisher, embedder, indexer and query API processes; RSS of each (and RabbitMQ's) every second";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var messages = arguments.Integer("messages", 20_000);
        var maxMinutes = arguments.Integer("max-minutes", 0); // 0: until every message is indexed
        if (RabbitMqNode.WhyUnavailable() is { } why)
        {
            Console.Error.WriteLine($"cannot run: {why}");
            return 1;
        }
        var data = arguments.DataFolder();
        var photos = IngestInput.Photos(data);
        var folder = Directory.CreateTempSubdirectory("imagesearch-soak-").FullName;
        try
        {
            var csv = Path.Combine(folder, "images.csv");
            await File.WriteAllLinesAsync(csv, ["id,path,label", .. Enumerable.Range(0, messages).Select(i => $"{i % photos.Count + 1},{photos[i % photos.Count]},soak")], cancellationToken);
            await using var node = await RabbitMqNode.StartAsync(virtualHosts: 0, cancellationToken);
            var bus = new Dictionary<string, string?> { ["Bus:Host"] = "127.0.0.1", ["Bus:Port"] = node.Port.ToString() };
            var services = new ServiceProcesses(bus, folder);
            await using var indexer = await services.StartIndexerAsync(cancellationToken);
            await using var embedder = await services.StartEmbedderAsync(cancellationToken);
            await using var api = await services.StartQueryApiAsync(data, cancellationToken);
            Console.WriteLine($"{messages:N0} messages over {photos.Count:N0} photos; node, indexer, embedder and query API ready");

            var sampler = new RssSampler(new Dictionary<string, int>
            {
                ["RabbitMQ (beam.smp)"] = BeamProcessId(node), ["embedder"] = embedder.Id, ["indexer"] = indexer.Id, ["query API"] = api.Id,
            });
            Soak soak;
            await using (sampler)
            {
                using var publisher = StartPublisher(bus, csv, folder);
                sampler.Add("publisher (ingestor CLI)", publisher.Id);
                soak = await RunUntilIndexedAsync(sampler, indexer, api, publisher, photos, messages, maxMinutes, cancellationToken);
            }
            var checks = await CheckAsync(soak, embedder, api, services, new Broker(node, "/"), photos.Count, cancellationToken);
            var markdown = Report(soak, sampler.Traces(), checks, photos.Count);
            Console.WriteLine(markdown);
            BenchmarkReport.Write(Name, markdown);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <param name="Messages">Messages published (the CSV's rows).</param>
    /// <param name="IndexedAtEnd">Messages the indexer had stored when the run ended (all of them, unless the time limit ended it).</param>
    private sealed record Soak(int Messages, double IndexedAtEnd, TimeSpan Elapsed, int PublisherExit, int Searches, int FailedRequests, bool TimedOut);

    private static async Task<Soak> RunUntilIndexedAsync(
        RssSampler sampler, WorkerProcess indexer, WorkerProcess api, Process publisher, List<string> photos, int messages, int maxMinutes,
        CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(30) };
        var (indexed, lastProgress, searches, failures) = (0.0, sampler.Elapsed, 0, 0);
        var nextQuery = TimeSpan.Zero;
        while (indexed < messages)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var now = await indexer.MetricAsync(Indexed, cancellationToken);
            if (now > indexed)
                (indexed, lastProgress) = (now, sampler.Elapsed);
            else if (sampler.Elapsed - lastProgress > StallLimit)
                throw new TimeoutException($"stuck at {indexed:N0} of {messages:N0} indexed:\n{indexer.OutputTail(3000)}");
            if (sampler.Elapsed >= nextQuery)
            {
                // The API at work meanwhile: one search by path and one count every 2 s (each checked, none timed here).
                nextQuery = sampler.Elapsed + TimeSpan.FromSeconds(2);
                using var search = await http.PostAsJsonAsync("/search", new { path = photos[searches % photos.Count] }, cancellationToken);
                using var count = await http.GetAsync("/count", cancellationToken);
                failures += (search.IsSuccessStatusCode ? 0 : 1) + (count.IsSuccessStatusCode ? 0 : 1);
                searches++;
            }
            if (maxMinutes > 0 && sampler.Elapsed > TimeSpan.FromMinutes(maxMinutes))
                return new Soak(messages, indexed, sampler.Elapsed, await ExitOfAsync(publisher), searches, failures, TimedOut: true);
            if ((int)sampler.Elapsed.TotalSeconds % 30 == 0)
                Console.WriteLine($"  {sampler.Elapsed.TotalSeconds:N0} s: {indexed:N0} of {messages:N0} indexed");
        }
        return new Soak(messages, indexed, sampler.Elapsed, await ExitOfAsync(publisher), searches, failures, TimedOut: false);
    }

    /// <summary>Each check of the finished run, as a line of the report; throws at the first that fails.</summary>
    private static async Task<List<string>> CheckAsync(
        Soak soak, WorkerProcess embedder, WorkerProcess api, ServiceProcesses services, Broker broker, int photos, CancellationToken cancellationToken)
    {
        var embedded = await embedder.MetricAsync(Embedded, cancellationToken);
        using var http = new HttpClient { BaseAddress = api.Address };
        var rows = (await http.GetFromJsonAsync<CountAnswer>("/count", cancellationToken))!.Count;
        var deadLetters = (await services.Journal().CountByReasonAsync(cancellationToken)).Sum(r => r.Open);
        long errors = 0;
        foreach (var queue in ErrorQueue.All)
            errors += await broker.CountAsync(queue.Name, cancellationToken) ?? 0;
        List<string> problems = [];
        if (soak.PublisherExit != 0) problems.Add($"the publisher exited with {soak.PublisherExit}");
        if (!soak.TimedOut && (embedded != soak.Messages || soak.IndexedAtEnd != soak.Messages))
            problems.Add($"{embedded:N0} embedded and {soak.IndexedAtEnd:N0} indexed of {soak.Messages:N0}");
        if (!soak.TimedOut && rows != Math.Min(photos, soak.Messages)) problems.Add($"the API counts {rows:N0} rows");
        if (deadLetters > 0 || errors > 0) problems.Add($"{deadLetters} dead letters, {errors} messages in error queues");
        if (soak.FailedRequests > 0) problems.Add($"{soak.FailedRequests} API requests failed");
        if (problems.Count > 0)
            throw new InvalidOperationException("soak run failed its checks: " + string.Join("; ", problems));
        return [$"{embedded:N0} messages embedded and {soak.IndexedAtEnd:N0} indexed; the API counts {rows:N0} rows (one per photo)",
            $"{soak.Searches:N0} searches and as many counts through the API, none failed; no dead letter, nothing in an error queue; the publisher exited 0"];
    }

    private sealed record CountAnswer(string Collection, long Count, string Model);

    private static string Report(Soak soak, IReadOnlyList<RssTrace> traces, List<string> checks, int photos)
    {
        static string MiB(long bytes) => (bytes / 1048576.0).ToString("N0");
        var seconds = soak.Elapsed.TotalSeconds;
        var chart = SvgChart.Lines("soak-rss.svg", $"RSS of each process, {soak.IndexedAtEnd:N0} messages", "seconds since the first publish", "RSS (MiB)",
            traces.Select(t => new ChartSeries(t.Process, t.Samples.Select(s => (s.Seconds, s.Bytes / 1048576.0)).ToList())).ToList());
        var text = new StringBuilder()
            .AppendLine("### Soak: RSS of every process through a long run")
            .AppendLine()
            .AppendLine($"`dotnet run -c Release --project bench/Benchmarks -- soak`: the ingestor CLI publishes a CSV of {soak.Messages:N0} rows cycling over the {photos:N0} shared")
            .AppendLine("photos with their ids into a private RabbitMQ node; one `ImageSearch.Embedder` (ResNet18 on the CPU), the `ImageSearch.Indexer` (embedded store,")
            .AppendLine("writer) and the `ImageSearch.QueryApi` (following the store; a search by path and a count every 2 s) run as their own processes with default")
            .AppendLine("settings, except 0.2 s batch time limits (`tests/TestSupport/ServiceProcesses`). Every message is embedded and upserted, and after the first pass the store holds one row per photo, so growth after that is not data.")
            .AppendLine("RSS is VmRSS of `/proc/PID/status`, sampled every second, for RabbitMQ's Erlang VM too; the publisher's trace ends when it exits.")
            .AppendLine(soak.TimedOut ? $"**The run was cut at {seconds / 60:N0} minutes with {soak.IndexedAtEnd:N0} of {soak.Messages:N0} messages indexed.**" : "")
            .AppendLine()
            .AppendLine($"{soak.IndexedAtEnd:N0} messages in {seconds:N0} s ({soak.IndexedAtEnd / seconds:N1} msg/s). Checked: " + string.Join("; ", checks) + ".")
            .AppendLine()
            .AppendLine(chart)
            .AppendLine()
            .AppendLine("| process | start (MiB) | peak | end | median 40–60 % of the run | median last 10 % | growth over the second half | verdict |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var trace in traces)
        {
            var lived = trace.Samples[^1].Seconds >= 0.9 * seconds;
            var (middle, last) = (trace.MedianBetween(0.4, 0.6, seconds), trace.MedianBetween(0.9, 1.0, seconds));
            var verdict = !lived ? $"exited after {trace.Samples[^1].Seconds:N0} s" : Flat(middle, last) ? "flat" : "grows";
            text.AppendLine($"| {trace.Process} | {MiB(trace.Start)} | {MiB(trace.Peak)} | {MiB(trace.End)} | {(lived ? MiB(middle) : "–")} | {(lived ? MiB(last) : "–")} | "
                + $"{(lived ? MiB(last - middle) : "–")} | {verdict} |");
        }
        text.AppendLine()
            .AppendLine("*Flat* means the median of the last tenth of the run is at most 5 % or 16 MiB (whichever is larger) above the median of the middle fifth:")
            .AppendLine("warm-up (model, thread pools, ONNX Runtime's arena, the store's first pass) is over by the middle, so what still grows after it would be a leak.");
        return text.ToString();
    }

    private static bool Flat(long middle, long last) => last - middle <= Math.Max(0.05 * middle, 16 * 1048576.0);

    /// <summary>The ingestor CLI from its own build, publishing the CSV (its checkpoint under the run's folder).</summary>
    private static Process StartPublisher(IReadOnlyDictionary<string, string?> bus, string csv, string folder)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(ServiceBuild.Ingestor.Assembly);
        info.ArgumentList.Add("publish");
        info.ArgumentList.Add(csv);
        foreach (var (key, value) in bus)
            info.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  publisher: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<int> ExitOfAsync(Process publisher)
    {
        await publisher.WaitForExitAsync();
        return publisher.ExitCode;
    }

    /// <summary>The node's Erlang VM (<c>beam.smp</c>): the process id it writes into its pid file (RABBITMQ_PID_FILE).</summary>
    private static int BeamProcessId(RabbitMqNode node) => int.Parse(File.ReadAllText(Path.Combine(node.Folder, "pid")).Trim());
}
