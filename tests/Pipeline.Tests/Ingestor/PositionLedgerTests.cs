using ImageSearch.Ingestion.Publishing;
using ImageSearch.Ingestion.Sources;

namespace ImageSearch.Pipeline.Tests.Ingestor;

public sealed class PositionLedgerTests
{
    private static PositionRange Segment(long first, long last) => new(first, last, $"/p/{first}.jpg", $"/p/{last}.jpg");

    [Fact]
    public void FrontierFollowsTheLongestRunOfConfirmedSegmentsAndAFailureHoldsItBack()
    {
        var ledger = new PositionLedger(start: 100, startItem: "/p/100.jpg");

        Assert.False(ledger.Close(Segment(111, 120), published: true)); // ahead of a gap: the frontier waits
        Assert.True(ledger.Close(Segment(101, 110), published: true));
        Assert.Equal((120, "/p/120.jpg"), (ledger.Frontier, ledger.FrontierItem));
        Assert.False(ledger.Close(Segment(121, 130), published: false));
        Assert.False(ledger.Close(Segment(131, 140), published: true));

        var report = ledger.Report(notSentFrom: 141);
        Assert.Equal((100L, 120L, 141L), (report.ResumedAfter, report.DoneThrough, report.NotSentFrom));
        Assert.Equal([Segment(121, 130)], report.NotPublished);
        Assert.False(report.Complete);
    }

    [Fact]
    public async Task DryRunCheckpointsTheWholeSourceAndAResumeChecksItIsStillThere()
    {
        using var folder = new TempFolder();
        var csv = folder.File("rows.csv", "id,path\n1,a.jpg\nbad,\"x\n2,b.jpg\n3,c.jpg\n");
        var checkpoint = new CheckpointWriter(Path.Combine(folder.Path, "checkpoint.json"), csv, "demo");
        var options = new BulkPublishOptions(Collection: "demo", BatchSize: 2);

        var first = await new BulkPublisher(null).PublishAsync(new CsvSource(csv), options, new PublishTally(), TestContext.Current.CancellationToken, checkpoint);
        var saved = checkpoint.Read()!;
        File.AppendAllText(csv, "4,d.jpg\n");
        var resumed = await new BulkPublisher(null).PublishAsync(new CsvSource(csv), options, new PublishTally(), TestContext.Current.CancellationToken, checkpoint, saved);
        File.WriteAllText(csv, "id,path\n9,z.jpg\n");

        Assert.Equal((3, 1, 4L, true), (first.Published, first.Skipped, first.Positions.DoneThrough, first.Positions.Complete));
        Assert.Equal((4L, Path.Combine(folder.Path, "c.jpg") + " (id 3)"), (saved.Position, saved.LastItem));
        Assert.Equal((1, 4L, 5L), (resumed.Published, resumed.Positions.ResumedAfter, resumed.Positions.DoneThrough));
        await Assert.ThrowsAsync<CheckpointMismatchException>(() => new BulkPublisher(null).PublishAsync(
            new CsvSource(csv), options, new PublishTally(), TestContext.Current.CancellationToken, checkpoint, checkpoint.Read()));
        Assert.Throws<CheckpointMismatchException>(() => new CheckpointWriter(checkpoint.Path, csv, "other").Read());
        await Assert.ThrowsAsync<ArgumentException>(() => new BulkPublisher(null).PublishAsync(
            new CsvSource(csv), options with { Collection = "not a name" }, new PublishTally(), TestContext.Current.CancellationToken));
    }
}
