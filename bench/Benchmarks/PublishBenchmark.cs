using System.Diagnostics;
using System.Text;
using ImageSearch.Contracts;
using ImageSearch.Ingestion.Publishing;
using ImageSearch.Ingestion.Sources;
using ImageSearch.ServiceDefaults;
using ImageSearch.TestSupport;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace ImageSearch.Benchmarks;

/// <summary>
/// Publish rate of the ingestor's <see cref="BulkPublisher"/> (publisher confirms on) into a private local RabbitMQ node,
/// for 10,000 and 100,000 messages at several batch sizes, with the process's peak RSS to show memory does not grow with the run.
/// </summary>
public sealed class PublishBenchmark : IBenchmark
{
    private static readonly (int Messages, int BatchSize, int InFlight)[] Runs =
    [
        (10_000, 100, 4), (10_000, 1_000, 4), (10_000, 1_000, 1),
        (100_000, 100, 4), (100_000, 1_000, 4), (100_000, 1_000, 1),
    ];

    public string Name => "publish";

    public string Description => "ingestor publish rate (messages/s with publisher confirms) into a local RabbitMQ node";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (RabbitMqNode.WhyUnavailable() is { } why)
        {
            Console.Error.WriteLine($"cannot run: {why}");
            return 1;
        }
        await using var node = await RabbitMqNode.StartAsync(virtualHosts: 0, cancellationToken);
        using var host = await StartPublisherAsync(node.Port, cancellationToken);
        var bus = host.Services.GetRequiredService<IBus>();

        await MeasureAsync(bus, node.Port, (2_000, 500, 4), cancellationToken); // warm-up: JIT, connection, channel
        var table = new StringBuilder()
            .AppendLine("Publish rate of `ingestor publish` (BulkPublisher → MassTransit 8.5.12 → RabbitMQ 3.10, publisher confirms on, durable queue, one local node).")
            .AppendLine("Every run is checked: the queue holds exactly the published count afterwards.")
            .AppendLine()
            .AppendLine("| messages | batch size | batches in flight | seconds | messages/s | peak RSS (MiB) |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var run in Runs)
        {
            var (seconds, peakRss) = await MeasureAsync(bus, node.Port, run, cancellationToken);
            var line = $"| {run.Messages:N0} | {run.BatchSize:N0} | {run.InFlight} | {seconds:F2} | {run.Messages / seconds:N0} | {peakRss / 1048576.0:N0} |";
            Console.WriteLine(line);
            table.AppendLine(line);
        }
        BenchmarkReport.Write(Name, table.ToString());
        await host.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task<(double Seconds, long PeakRss)> MeasureAsync(
        IBus bus, int port, (int Messages, int BatchSize, int InFlight) run, CancellationToken cancellationToken)
    {
        await PurgeAsync(port, cancellationToken);
        GC.Collect();
        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakRssAsync(sampling.Token);
        var clock = Stopwatch.StartNew();
        var summary = await new BulkPublisher(bus).PublishAsync(
            new SyntheticSource(run.Messages), new BulkPublishOptions(BatchSize: run.BatchSize, MaxBatchesInFlight: run.InFlight),
            new PublishTally(), cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        var queued = await PurgeAsync(port, cancellationToken);
        if (summary.Published != run.Messages || summary.Failed != 0 || queued != run.Messages)
            throw new InvalidOperationException($"published {summary.Published}, failed {summary.Failed}, queued {queued}; expected {run.Messages}");
        return (seconds, await peak);
    }

    private static async Task<long> SamplePeakRssAsync(CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        long peak = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            self.Refresh();
            peak = Math.Max(peak, self.WorkingSet64);
            await Task.Delay(50, CancellationToken.None);
        }
        return peak;
    }

    /// <summary>Empties the embed queue; returns how many messages it held.</summary>
    private static async Task<uint> PurgeAsync(int port, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = port };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return await channel.QueuePurgeAsync(QueueNames.EmbedImage, cancellationToken);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0; // not declared yet
        }
    }

    private static async Task<IHost> StartPublisherAsync(int port, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = Path.GetTempPath() });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Host"] = "127.0.0.1",
            ["Bus:Port"] = port.ToString(),
        });
        builder.Logging.ClearProviders();
        builder.AddMessageBus(_ => { });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    /// <summary>Paths made up on the fly (the publisher never opens them), so the source costs nothing and no memory.</summary>
    private sealed class SyntheticSource(int count) : IImageSource
    {
        public string Description => $"{count:N0} synthetic paths";

        public IEnumerable<SourceItem> Read(CancellationToken cancellationToken)
        {
            for (var i = 0; i < count; i++)
                yield return new SourceImage($"/data/photos/{i / 1000:D4}/IMG_{i:D7}.jpg", Label: "bench");
        }

        public long? EstimateCount(CancellationToken cancellationToken) => count;
    }
}
