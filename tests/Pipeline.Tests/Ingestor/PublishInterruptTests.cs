using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImageSearch.Contracts;

namespace ImageSearch.Pipeline.Tests.Ingestor;

/// <summary>
/// The real ingestor process, signalled and killed mid-publish, against a real broker: it stops promptly with an exact
/// summary, and a resume after its checkpoint leaves every row in the queue.
/// </summary>
public sealed partial class PublishInterruptTests(RabbitMqFixture rabbit)
{
    private const int Sigint = 2, Sigkill = 9, Sigterm = 15;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Sigint)]
    [InlineData(Sigterm)]
    public async Task SignalStopsThePublishPromptlyWithAnExactSummary(int signal)
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var csv = Rows(folder, 200_000);

        using var run = IngestorProcess.Start(broker.Settings, ["publish", csv, "--batch-size", "200", "--checkpoint", Path.Combine(folder.Path, "checkpoint.json")]);
        await Eventually.HoldsAsync(async () => await broker.CountAsync(QueueNames.EmbedImage, Cancel) > 0, "the first batches are in the queue");
        run.Signal(signal);
        var clock = Stopwatch.StartNew();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        var stopped = clock.Elapsed;

        Assert.True(result.ExitCode == 130, $"exit code {result.ExitCode}\n{result.Output}\n{result.Error}");
        // A bound against a publish that ignores the signal, not a speed target (0.8-1.6 s measured on a loaded 2-core
        // machine); that it stopped early is the count below, which stays short of the 200,000 rows.
        Assert.True(stopped < TimeSpan.FromSeconds(15), $"exited {stopped.TotalSeconds:N1} s after the signal\n{result.Error}");
        var published = Published(result.Output);
        Assert.InRange(published, 1, 199_999);
        Assert.Equal((uint)published, await broker.CountAsync(QueueNames.EmbedImage, Cancel));
        Assert.Contains("Interrupted", result.Output);
        Assert.Matches(@"Not published: every item from [\d,]+ on", result.Output);
        Assert.Contains("publish --resume continues at item", result.Output);
    }

    [Fact]
    public async Task KilledPublishResumesAfterItsCheckpointAndEveryRowArrives()
    {
        const int rows = 30_000;
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var csv = Rows(folder, rows);
        var checkpoint = Path.Combine(folder.Path, "checkpoint.json");

        using (var run = IngestorProcess.Start(broker.Settings, ["publish", csv, "--batch-size", "100", "--in-flight", "2", "--checkpoint", checkpoint]))
        {
            await Eventually.HoldsAsync(() => Position(checkpoint) >= 3_000, "the checkpoint has passed item 3,000");
            run.Signal(Sigkill);
            Assert.Equal(137, (await run.WaitAsync(TimeSpan.FromSeconds(10))).ExitCode);
        }
        var killedAt = Position(checkpoint);
        Assert.InRange(killedAt, 3_000, rows - 1);

        var resumed = await IngestorProcess.RunAsync(broker.Settings, "publish", csv, "--resume", "--checkpoint", checkpoint);
        var messages = await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel);

        Assert.True(resumed.ExitCode == 0, resumed.Output + resumed.Error);
        Assert.Contains($"after item {killedAt:N0}", resumed.Output);
        Assert.Equal(rows - killedAt, Published(resumed.Output));
        Assert.Contains($"Checkpoint: all {rows:N0} items done", resumed.Output);
        Assert.Equal(Enumerable.Range(1, rows).Select(i => (long)i), messages.Select(m => m.ImageId).Distinct().Order());
    }

    [Fact]
    public async Task ResumeRefusesASourceThatChangedUnderItsCheckpoint()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var csv = Rows(folder, 50);
        var checkpoint = Path.Combine(folder.Path, "checkpoint.json");
        Assert.Equal(0, (await IngestorProcess.RunAsync(broker.Settings, "publish", csv, "--checkpoint", checkpoint)).ExitCode);
        await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel);

        File.WriteAllText(csv, "id,path\n1,other.jpg\n");
        var resumed = await IngestorProcess.RunAsync(broker.Settings, "publish", csv, "--resume", "--checkpoint", checkpoint);
        var otherCollection = await IngestorProcess.RunAsync(broker.Settings, "publish", csv, "--resume", "--checkpoint", checkpoint, "--collection", "other");

        Assert.Equal(2, resumed.ExitCode);
        Assert.Contains("the source changed since its checkpoint", resumed.Error);
        Assert.Equal(2, otherCollection.ExitCode);
        Assert.Contains("(collection default), not of", otherCollection.Error);
        Assert.Empty(await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel));
    }

    /// <summary>A CSV of <paramref name="count"/> rows with ids 1..count, all naming one photo (the queue is what is checked, not the files).</summary>
    private static string Rows(TempFolder folder, int count)
    {
        var csv = Path.Combine(folder.Path, "rows.csv");
        using var writer = new StreamWriter(csv);
        writer.WriteLine("id,path,label");
        for (var id = 1; id <= count; id++)
            writer.WriteLine($"{id},photo.jpg,");
        return csv;
    }

    private static long Published(string output) => long.Parse(PublishedLine().Match(output).Groups[1].Value.Replace(",", ""));

    private static long Position(string checkpoint)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(checkpoint));
            return json.RootElement.GetProperty("position").GetInt64();
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    [GeneratedRegex(@"Published ([\d,]+) images")]
    private static partial Regex PublishedLine();
}
