using System.Diagnostics;
using ImageSearch.Ingestion.Publishing;
using ImageSearch.TestSupport;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>One RSS sample of one embedder, with the share of the run stored at that moment.</summary>
internal sealed record RssSample(TimeSpan Elapsed, double Progress, long Bytes);

/// <summary>What one embedder process did during a run.</summary>
internal sealed record EmbedderReport(double Embedded, TimeSpan Cpu, long ReadyRss, IReadOnlyList<RssSample> Samples)
{
    public long PeakRss => Samples.Max(s => s.Bytes);

    /// <summary>Median RSS over the second half of the run: where memory settles once every buffer and pool has been used.</summary>
    public long SteadyRss
    {
        get
        {
            var late = Samples.Where(s => s.Elapsed >= Samples[^1].Elapsed / 2).Select(s => s.Bytes).Order().ToList();
            return late[late.Count / 2];
        }
    }

    /// <summary>RSS at the first sample taken once <paramref name="progress"/> of the run was stored.</summary>
    public long RssAt(double progress) => (Samples.FirstOrDefault(s => s.Progress >= progress) ?? Samples[^1]).Bytes;
}

/// <param name="MachineCpu">CPU time of the whole machine during the run (every process, this one and RabbitMQ included).</param>
/// <param name="BenchmarkCpu">CPU time of this process (indexer and publisher) during the run.</param>
/// <param name="NearlyAll">When the store held 99 % of the ids: the rest is the tail, which one slow process holding the last batches stretches.</param>
/// <param name="Gpu">GPU utilisation over the timed part, when it was sampled.</param>
internal sealed record RunReport(
    int Messages, TimeSpan Elapsed, TimeSpan Publish, TimeSpan NearlyAll, IReadOnlyList<EmbedderReport> Embedders, TimeSpan MachineCpu, TimeSpan BenchmarkCpu,
    (double MeanBusy, double PeakMemoryMiB)? Gpu = null)
{
    public double ImagesPerSecond => Messages / Elapsed.TotalSeconds;

    /// <summary>Cores kept busy by everything else on the machine (RabbitMQ, other users): noise to read the numbers against.</summary>
    public double OtherCores => (MachineCpu - BenchmarkCpu - Embedders.Aggregate(TimeSpan.Zero, (sum, e) => sum + e.Cpu)) / Elapsed;
}

/// <summary>
/// One measured run: start the embedder processes and wait until they are ready (model warm), publish the CSV with the
/// ingestor's <see cref="BulkPublisher"/>, and time until the store holds every id, sampling each embedder's RSS meanwhile.
/// </summary>
internal static class PipelineRun
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(2);
    private const string EmbeddedMetric = "imagesearch_embedder_images_embedded_total";

    /// <param name="embedderSettings">One entry per embedder process: its settings beyond the bus (none for the defaults).</param>
    /// <param name="imagesPerMessage">1: single <c>EmbedImage</c> messages; more: <c>EmbedImageGroup</c> messages of that many.</param>
    /// <param name="warmup">Published into a collection of its own and stored before the clock starts (GPU kernels are chosen on first use).</param>
    public static async Task<RunReport> RunAsync(
        PipelineHost indexer, IReadOnlyDictionary<string, string?> bus, string csv, int messages,
        IReadOnlyList<IReadOnlyDictionary<string, string?>> embedderSettings, string collection, string folder, CancellationToken cancellationToken,
        (string Csv, int Messages)? warmup = null, GpuUtilisation? gpu = null, int imagesPerMessage = 1)
    {
        var embedders = await Task.WhenAll(embedderSettings.Select(own =>
            WorkerProcess.StartAsync(ServiceBuild.Embedder, bus.Append(KeyValuePair.Create("Embedder:TimeLimit", (string?)"00:00:00.2")).Concat(own),
                "Embedder:MetricsPort", folder, TimeSpan.FromMinutes(2), cancellationToken)));
        try
        {
            if (warmup is { } w)
                await WarmUpAsync(indexer, w.Csv, w.Messages, $"{collection}_warmup", imagesPerMessage, cancellationToken);
            var before = await Task.WhenAll(embedders.Select(e => e.MetricAsync(EmbeddedMetric, cancellationToken)));
            var ready = embedders.Select(e => e.ResidentBytes()).ToArray();
            var cpu = embedders.Select(e => e.CpuTime()).ToArray();
            var (machineCpu, benchmarkCpu) = (MachineCpuTime(), Process.GetCurrentProcess().TotalProcessorTime);
            var samples = embedders.Select(_ => new List<RssSample>()).ToArray();
            gpu?.Start();
            var clock = Stopwatch.StartNew();
            var publish = IngestInput.PublishAsync(indexer.Bus, csv, collection, messages, cancellationToken, imagesPerMessage);
            TimeSpan? published = null, nearlyAll = null;
            var (stored, lastProgress) = (0L, clock.Elapsed);
            while (stored < messages)
            {
                for (var i = 0; i < embedders.Length; i++)
                    samples[i].Add(new RssSample(clock.Elapsed, stored / (double)messages, embedders[i].ResidentBytes()));
                if (published is null && publish.IsCompleted)
                {
                    published = clock.Elapsed;
                    await publish;
                }
                await IngestInput.ThrowOnDeadLettersAsync(indexer.Journal, cancellationToken);
                await Task.Delay(SampleEvery, cancellationToken);
                var now = await indexer.CountAsync(collection, cancellationToken);
                if (now > stored)
                    (stored, lastProgress) = (now, clock.Elapsed);
                else if (clock.Elapsed - lastProgress > StallLimit)
                    throw new TimeoutException($"stuck at {stored} of {messages}:\n{string.Join("\n---\n", embedders.Select(e => e.OutputTail(3000)))}");
                if (nearlyAll is null && stored >= 0.99 * messages)
                    nearlyAll = clock.Elapsed;
            }
            var elapsed = clock.Elapsed;
            var gpuUse = gpu?.Stop();
            (machineCpu, benchmarkCpu) = (MachineCpuTime() - machineCpu, Process.GetCurrentProcess().TotalProcessorTime - benchmarkCpu);

            await publish; // when the store filled before the loop saw the publish finish
            if (stored != messages)
                throw new InvalidOperationException($"the store holds {stored} rows for {messages} distinct ids");
            await IngestInput.ThrowOnDeadLettersAsync(indexer.Journal, cancellationToken);
            var reports = new List<EmbedderReport>();
            for (var i = 0; i < embedders.Length; i++)
                reports.Add(new EmbedderReport(
                    await embedders[i].MetricAsync(EmbeddedMetric, cancellationToken) - before[i],
                    embedders[i].CpuTime() - cpu[i], ready[i], samples[i]));
            if (reports.Any(r => r.Embedded == 0))
                throw new InvalidOperationException($"an embedder took no work: {string.Join(", ", reports.Select(r => r.Embedded))}");
            return new RunReport(messages, elapsed, published ?? elapsed, nearlyAll ?? elapsed, reports, machineCpu, benchmarkCpu, gpuUse);
        }
        finally
        {
            gpu?.Stop();
            foreach (var embedder in embedders)
                await embedder.DisposeAsync();
        }
    }

    private static async Task WarmUpAsync(PipelineHost indexer, string csv, int messages, string collection, int imagesPerMessage, CancellationToken cancellationToken)
    {
        await IngestInput.PublishAsync(indexer.Bus, csv, collection, messages, cancellationToken, imagesPerMessage);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StallLimit);
        await IngestInput.WaitUntilStoredAsync(indexer, collection, messages, limit.Token);
    }

    /// <summary>Busy CPU time of the whole machine since boot (first line of /proc/stat: all but idle and iowait, in 1/100 s).</summary>
    private static TimeSpan MachineCpuTime()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(long.Parse).ToArray();
        var busy = fields.Sum() - fields[3] - fields[4];
        return TimeSpan.FromSeconds(busy / 100.0);
    }
}
