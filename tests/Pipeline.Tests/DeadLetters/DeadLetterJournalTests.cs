using ImageSearch.Contracts;
using ImageSearch.DeadLetters;

namespace ImageSearch.Pipeline.Tests.DeadLetters;

public sealed class DeadLetterJournalTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    internal static ImageDeadLettered Letter(long id, DeadLetterReason reason, int attempts = 1, DateTimeOffset? time = null, string? collection = null) =>
        new(id, $"/images/{id}.jpg", $"label-{id}", collection, PipelineStage.Embed, reason, $"{reason} for {id}", attempts, time ?? DateTimeOffset.UtcNow);

    [Fact]
    public async Task RedeliveredDeadLetterIsRecordedOnce()
    {
        using var folder = new TempFolder();
        var journal = new DeadLetterJournal(Path.Combine(folder.Path, "j.db"));
        var letter = Letter(1, DeadLetterReason.FileMissing);

        await journal.RecordAsync([letter, Letter(2, DeadLetterReason.Corrupt)], Cancel);
        await journal.RecordAsync([letter], Cancel);

        Assert.Equal(
            [new ReasonCount(DeadLetterReason.Corrupt, 1, 0), new ReasonCount(DeadLetterReason.FileMissing, 1, 0)],
            (await journal.CountByReasonAsync(Cancel)).OrderBy(c => c.Reason.ToString()));
    }

    [Fact]
    public async Task SameImageInAnotherCollectionOrAttemptIsAnotherDeadLetter()
    {
        using var folder = new TempFolder();
        var journal = new DeadLetterJournal(Path.Combine(folder.Path, "j.db"));

        await journal.RecordAsync([Letter(1, DeadLetterReason.FileMissing), Letter(1, DeadLetterReason.FileMissing, attempts: 2),
            Letter(1, DeadLetterReason.FileMissing, collection: "other")], Cancel);

        var entries = await journal.ListAsync(null, 0, 10, Cancel);
        Assert.Equal([(1, (string?)null), (2, null), (1, "other")], entries.Select(e => (e.Attempts, e.Collection)));
    }

    [Fact]
    public async Task FailingAgainAfterAReplayReopensTheDeadLetterButARedeliveryDoesNot()
    {
        using var folder = new TempFolder();
        var journal = new DeadLetterJournal(Path.Combine(folder.Path, "j.db"));
        var failedAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        await journal.RecordAsync([Letter(1, DeadLetterReason.FileMissing, time: failedAt)], Cancel);
        var entry = Assert.Single(await journal.ListAsync(null, 0, 10, Cancel));
        await journal.MarkReplayedAsync([entry.Id], failedAt.AddMinutes(1), Cancel);

        await journal.RecordAsync([Letter(1, DeadLetterReason.FileMissing, time: failedAt)], Cancel);
        Assert.Empty(await journal.ListAsync(null, 0, 10, Cancel));

        await journal.RecordAsync([Letter(1, DeadLetterReason.Unreadable, time: failedAt.AddMinutes(5))], Cancel);
        var reopened = Assert.Single(await journal.ListAsync(null, 0, 10, Cancel));
        Assert.Equal(DeadLetterReason.Unreadable, reopened.Reason);
        Assert.Null(reopened.ReplayedAt);
    }

    [Fact]
    public async Task ListingPagesInJournalOrderAndFiltersByReason()
    {
        using var folder = new TempFolder();
        var journal = new DeadLetterJournal(Path.Combine(folder.Path, "j.db"));
        await journal.RecordAsync(Enumerable.Range(1, 25).Select(i => Letter(i, i % 5 == 0 ? DeadLetterReason.Corrupt : DeadLetterReason.FileMissing)).ToList(), Cancel);

        var pages = new List<IReadOnlyList<DeadLetterEntry>>();
        long after = 0;
        while (await journal.ListAsync(DeadLetterReason.FileMissing, after, 7, Cancel) is { Count: > 0 } page)
        {
            pages.Add(page);
            after = page[^1].Id;
        }

        Assert.Equal([7, 7, 6], pages.Select(p => p.Count));
        Assert.Equal(Enumerable.Range(1, 25).Where(i => i % 5 != 0).Select(i => (long)i), pages.SelectMany(p => p).Select(e => e.ImageId));
        Assert.Equal(5, (await journal.ListAsync(DeadLetterReason.Corrupt, 0, 100, Cancel)).Count);
    }

    [Fact]
    public async Task ReadingAJournalThatDoesNotExistFindsNothingAndCreatesNothing()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "not-yet", "j.db");
        var journal = new DeadLetterJournal(path);

        Assert.False(journal.Exists);
        Assert.Empty(await journal.CountByReasonAsync(Cancel));
        Assert.Empty(await journal.ListAsync(null, 0, 10, Cancel));
        Assert.Empty(await journal.FindAsync([1], DateTimeOffset.MinValue, Cancel));
        Assert.Equal(0, await journal.LastIdAsync(Cancel));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));

        await journal.RecordAsync([Letter(1, DeadLetterReason.Corrupt)], Cancel);
        Assert.True(journal.Exists);
        Assert.Single(await journal.ListAsync(null, 0, 10, Cancel));
    }

    [Fact]
    public async Task ReplayedDeadLettersPastTheRetentionAreDeletedWhenTheJournalIsWritten()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "j.db");
        var keepingAll = new DeadLetterJournal(path);
        var now = DateTimeOffset.UtcNow;
        await keepingAll.RecordAsync([.. Enumerable.Range(1, 3).Select(i => Letter(i, DeadLetterReason.FileMissing, time: now.AddDays(-60)))], Cancel);
        var entries = await keepingAll.ListAsync(null, 0, 10, Cancel);
        await keepingAll.MarkReplayedAsync([entries[0].Id], now.AddDays(-31), Cancel);
        await keepingAll.MarkReplayedAsync([entries[1].Id], now.AddDays(-29), Cancel);

        var pruning = new DeadLetterJournal(path, replayedRetention: TimeSpan.FromDays(30));
        Assert.Equal(3, (await pruning.ListAsync(null, 0, 10, Cancel, includeReplayed: true)).Count); // reading deletes nothing
        await pruning.RecordAsync([Letter(4, DeadLetterReason.Corrupt)], Cancel);

        Assert.Equal([2L, 3L, 4L], (await pruning.ListAsync(null, 0, 10, Cancel, includeReplayed: true)).Select(e => e.ImageId));
    }
}
