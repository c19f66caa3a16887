using System.Text.Json;
using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using MassTransit;
using static ImageSearch.Pipeline.Tests.DeadLetters.DeadLetterJournalTests;

namespace ImageSearch.Pipeline.Tests.DeadLetters;

/// <summary>Dead letters over a real broker: queue → recorder → journal → CLI list and replay.</summary>
public sealed class DeadLetterFlowTests(RabbitMqFixture rabbit)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeadLettersWaitInTheirQueueUntilARecorderRuns()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var journalPath = Path.Combine(folder.Path, "dead-letters.db");
        await using var publisher = await TestHosts.StartPublisherAsync(broker, journalPath);

        await publisher.Bus.PublishBatch([Letter(1, DeadLetterReason.Corrupt), Letter(2, DeadLetterReason.NotAnImage)], Cancel);
        Assert.Equal(2u, await broker.CountAsync(QueueNames.DeadLetters, Cancel));

        await using var recorder = await TestHosts.StartRecorderAsync(broker, journalPath);
        var journal = new DeadLetterJournal(journalPath);
        await Eventually.HoldsAsync(async () => (await journal.ListAsync(null, 0, 10, Cancel)).Count == 2, "both dead letters are in the journal");
        Assert.Equal(0u, await broker.CountAsync(QueueNames.DeadLetters, Cancel));
    }

    [Fact]
    public async Task RecordedDeadLettersAreListedByReasonAndReplayedWithTheNextAttempt()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var journalPath = Path.Combine(folder.Path, "dead-letters.db");
        var settings = new Dictionary<string, string?>(broker.Settings) { ["DeadLetters:Path"] = journalPath };
        await using var recorder = await TestHosts.StartRecorderAsync(broker, journalPath);
        var missing = new[] { Letter(1, DeadLetterReason.FileMissing), Letter(2, DeadLetterReason.FileMissing, attempts: 2), Letter(3, DeadLetterReason.FileMissing, collection: "c") };
        var corrupt = new[] { Letter(4, DeadLetterReason.Corrupt), Letter(5, DeadLetterReason.Corrupt) };

        // The first letter twice: a redelivery must not count twice.
        await recorder.Bus.PublishBatch([.. missing, .. corrupt, missing[0]], Cancel);
        var journal = new DeadLetterJournal(journalPath);
        await Eventually.HoldsAsync(async () => (await journal.ListAsync(null, 0, 100, Cancel)).Count == 5, "five dead letters are in the journal");

        var listed = await ListAsync(settings);
        Assert.Equal([("FileMissing", 3L, 0L, 3), ("Corrupt", 2L, 0L, 2)], listed);

        var replay = await IngestorProcess.RunAsync(settings, "dead-letters", "replay", "--reason", "FileMissing");
        Assert.Equal(0, replay.ExitCode);
        Assert.Contains("Replayed 3 dead letters", replay.Output);
        var republished = (await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel)).OrderBy(m => m.ImageId);
        Assert.Equal(missing.Select(m => new EmbedImage(m.ImageId, m.Path, m.Label, m.Collection, m.Attempts + 1)), republished);
        Assert.Equal([("Corrupt", 2L, 0L, 2), ("FileMissing", 0L, 3L, 0)], await ListAsync(settings)); // most open first

        var again = await IngestorProcess.RunAsync(settings, "dead-letters", "replay", "--all", "--force"); // Corrupt is permanent: --all alone leaves it
        Assert.Contains("Replayed 2 dead letters", again.Output);
        Assert.Equal(2, (await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel)).Count);
        Assert.Contains("Replayed 0 dead letters", (await IngestorProcess.RunAsync(settings, "dead-letters", "replay", "--all")).Output);
    }

    [Fact]
    public async Task ReplayOfAllLeavesPermanentReasonsAndImagesAtTheAttemptLimitOpenUnlessForced()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var journalPath = Path.Combine(folder.Path, "dead-letters.db");
        var settings = new Dictionary<string, string?>(broker.Settings) { ["DeadLetters:Path"] = journalPath, ["DeadLetters:MaxAttempts"] = "3" };
        await new DeadLetterJournal(journalPath).RecordAsync(
            [Letter(1, DeadLetterReason.FileMissing), Letter(2, DeadLetterReason.NotAnImage), Letter(3, DeadLetterReason.Unreadable, attempts: 3), Letter(4, DeadLetterReason.Corrupt)], Cancel);

        var all = await IngestorProcess.RunAsync(settings, "dead-letters", "replay", "--all");
        Assert.Contains("Replayed 1 dead letters (all)", all.Output);
        Assert.Contains("Left 1 open: they have had 3 attempts", all.Output);
        Assert.Contains("Left 2 open: their reasons are permanent", all.Output);
        Assert.Equal([1L], (await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel)).Select(m => m.ImageId));

        var named = await IngestorProcess.RunAsync(settings, "dead-letters", "replay", "--reason", "Corrupt");
        Assert.Contains("Replayed 1 dead letters (Corrupt)", named.Output);
        Assert.Equal([4L], (await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel)).Select(m => m.ImageId));

        var forced = await IngestorProcess.RunAsync(settings, "dead-letters", "replay", "--all", "--force");
        Assert.Contains("Replayed 2 dead letters (all)", forced.Output);
        Assert.Equal([(2L, 2), (3L, 4)], (await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel)).Select(m => (m.ImageId, m.Attempt)).Order());
    }

    [Fact]
    public async Task ReadingAJournalThatDoesNotExistSaysSoAndCreatesNone()
    {
        using var folder = new TempFolder();
        var none = new Dictionary<string, string?>();

        var list = await IngestorProcess.RunAsync(none, ["dead-letters", "list"], folder.Path);
        var replay = await IngestorProcess.RunAsync(none, ["dead-letters", "replay", "--all", "--journal", "elsewhere/j.db"], folder.Path);

        Assert.Equal(1, list.ExitCode);
        Assert.Contains($"no dead-letter journal at {Path.Combine(folder.Path, "data", "dead-letters.db")}", list.Error);
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains($"no dead-letter journal at {Path.Combine(folder.Path, "elsewhere", "j.db")}", replay.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public async Task ReplayWithoutReasonOrAllIsRefused()
    {
        var result = await IngestorProcess.RunAsync(new Dictionary<string, string?>(), "dead-letters", "replay");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("either --reason REASON or --all", result.Error + result.Output);
    }

    private static async Task<List<(string Reason, long Open, long Replayed, int Examples)>> ListAsync(Dictionary<string, string?> settings)
    {
        var result = await IngestorProcess.RunAsync(settings, "dead-letters", "list", "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        return json.RootElement.GetProperty("reasons").EnumerateArray()
            .Select(r => (r.GetProperty("reason").GetString()!, r.GetProperty("open").GetInt64(), r.GetProperty("replayed").GetInt64(), r.GetProperty("examples").GetArrayLength()))
            .ToList();
    }
}
