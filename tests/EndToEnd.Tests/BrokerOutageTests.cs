using ImageSearch.Contracts;
using ImageSearch.DeadLetters.ErrorQueues;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>
/// A private RabbitMQ node (stopping the shared one would stop every other test) stopped for 15 s in the middle of a
/// publish and of the consumption of its first part, with the embedder and the indexer as separate processes: they
/// reconnect, and after at most one <c>publish --resume</c> the store count is exact, with nothing dead-lettered and
/// nothing in an error queue.
/// </summary>
public sealed class BrokerOutageTests
{
    private const int FirstPart = 120;
    private const int Total = 200;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(15);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BrokerStoppedDuringPublishAndConsumptionLosesNothing()
    {
        Prerequisite.Require(RabbitMqNode.WhyUnavailable());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Note(string what) => TestContext.Current.SendDiagnosticMessage($"{clock.Elapsed.TotalSeconds:N1} s: {what}");
        var photos = Directory.EnumerateFiles(SharedData.ImageNet1k).Order(StringComparer.Ordinal).Take(Total).ToList();
        await using var node = await RabbitMqNode.StartAsync(virtualHosts: 1, Cancel);
        var broker = new Broker(node, node.VirtualHosts[0]);
        using var folder = new TempFolder();
        var services = new ServiceProcesses(broker.Settings, folder.Path);
        await using var indexer = await services.StartIndexerAsync(Cancel);
        await using var embedder = await services.StartEmbedderAsync(Cancel);
        using var follower = services.OpenFollower();
        var lines = FollowedStore.CsvLines(photos).ToList();
        Note("node, indexer and embedder started");

        // The CSV is a pipe the test writes in parts, so the broker stops while the publish is still reading it.
        var csv = UnixFiles.MakeFifo(Path.Combine(folder.Path, "images.csv"));
        using var publish = IngestorProcess.Start(broker.Settings, ["publish", csv, "--batch-size", "20", "--in-flight", "1"], folder.Path);
        var pipe = await OpenForWritingAsync(csv);
        Assert.True(await WriteAsync(pipe, ["id,path,label", .. lines.Take(FirstPart)]), "the publish reads the first part");
        await Eventually.HoldsAsync(async () => await follower.CountAsync() > 0, "the first images are stored", seconds: 120);

        Note("first images stored");
        await node.CtlAsync(["stop_app"], Cancel);
        var storedAtStop = await follower.CountAsync();
        // The rest while the broker is down: the publish reads it and cannot publish it (it may give up and close the pipe).
        var restRead = await WriteAsync(pipe, lines.Skip(FirstPart));
        await Task.Delay(Outage, Cancel);
        await node.CtlAsync(["start_app"], Cancel);
        await CloseAsync(pipe);
        Note($"broker stopped for {Outage.TotalSeconds:N0} s with {storedAtStop} of {FirstPart} published images stored; the rest written to the pipe: {restRead}");

        var first = await publish.WaitAsync(TimeSpan.FromMinutes(3));
        if (first.ExitCode != 0)
        {
            // The publish gave up during the outage: one resume publishes what its checkpoint says was not confirmed.
            using var resume = IngestorProcess.Start(broker.Settings, ["publish", csv, "--resume"], folder.Path);
            var again = await OpenForWritingAsync(csv);
            Assert.True(await WriteAsync(again, ["id,path,label", .. lines]), "the resume reads the whole CSV");
            await CloseAsync(again);
            var resumed = await resume.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(resumed.ExitCode == 0, $"publish --resume exited with {resumed.ExitCode}:\n{resumed.Output}\n{resumed.Error}\nfirst run:\n{first.Output}\n{first.Error}");
        }
        Note($"publish exited with {first.ExitCode}{(first.ExitCode == 0 ? "" : "; resumed")}");

        await follower.SettledAsync(broker, Total, [indexer, embedder]);
        Note("settled");
        Assert.Equal(Total, await follower.CountAsync());
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i),
            (await Task.WhenAll(Enumerable.Range(1, Total).Select(i => follower.GetAsync(PipelineHost.DefaultCollection, i, Cancel))))
                .Where(r => r is not null).Select(r => r!.Id).Order());
        Assert.Empty(await services.Journal().ListAsync(null, 0, 100, Cancel, includeReplayed: true));
        foreach (var queue in ErrorQueue.All)
            Assert.True((await broker.CountAsync(queue.Name, Cancel) ?? 0) == 0, $"{queue.Name} holds messages");
    }

    /// <summary>Writes lines into the pipe; false when its reader has closed it.</summary>
    private static async Task<bool> WriteAsync(StreamWriter pipe, IEnumerable<string> lines)
    {
        try
        {
            foreach (var line in lines)
                await pipe.WriteLineAsync(line);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task CloseAsync(StreamWriter pipe)
    {
        try
        {
            await pipe.DisposeAsync();
        }
        catch (IOException)
        {
            // Its reader closed it first.
        }
    }

    /// <summary>Opens the pipe once the publish opens it for reading (an open for writing waits for a reader).</summary>
    private static async Task<StreamWriter> OpenForWritingAsync(string fifo)
    {
        var stream = await Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write), Cancel).WaitAsync(TimeSpan.FromSeconds(60), Cancel);
        return new StreamWriter(stream) { AutoFlush = true };
    }
}
