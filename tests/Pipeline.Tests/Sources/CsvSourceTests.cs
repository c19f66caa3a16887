using System.Diagnostics;
using ImageSearch.Ingestion.Sources;

namespace ImageSearch.Pipeline.Tests.Sources;

public sealed class CsvSourceTests
{
    private static List<SourceItem> Read(string file) => new CsvSource(file).Read(TestContext.Current.CancellationToken).ToList();

    [Fact]
    public void CodelabCsvWithHeaderGivesIdPathAndLabelWithRelativePathsResolvedAgainstTheCsvFolder()
    {
        using var folder = new TempFolder();
        var csv = folder.File("data/reverse_image_search.csv",
            "id,path,label\n0,./train/brain_coral/n01917289_1783.JPEG,brain_coral\n1,/abs/x.jpg,\n2,../up.png,dog\n");

        var images = Read(csv).Cast<SourceImage>().ToList();

        Assert.Equal(
            [
                new SourceImage(Path.Combine(folder.Path, "data/train/brain_coral/n01917289_1783.JPEG"), "0", "brain_coral"),
                new SourceImage("/abs/x.jpg", "1", null),
                new SourceImage(Path.Combine(folder.Path, "up.png"), "2", "dog"),
            ],
            images);
    }

    [Fact]
    public void HeaderIsOptionalAndMapsColumnsByName()
    {
        using var folder = new TempFolder();
        var positional = folder.File("a.csv", "7,/p/a.jpg,cat\n8,/p/b.jpg\n");
        var named = folder.File("b.csv", "label,path\ncat,/p/a.jpg\n,/p/b.jpg\n");

        Assert.Equal([new SourceImage("/p/a.jpg", "7", "cat"), new SourceImage("/p/b.jpg", "8", null)], Read(positional));
        Assert.Equal([new SourceImage("/p/a.jpg", null, "cat"), new SourceImage("/p/b.jpg", null, null)], Read(named));
    }

    [Fact]
    public void QuotedFieldsKeepCommasQuotesAndSpaces()
    {
        using var folder = new TempFolder();
        var csv = folder.File("q.csv", "\"1\",\"/p/a, b.jpg\",\"say \"\"hi\"\"\"\n 2 , \"/p/ c.jpg \" , spaced label \n");

        Assert.Equal(
            [new SourceImage("/p/a, b.jpg", "1", "say \"hi\""), new SourceImage("/p/ c.jpg ", "2", "spaced label")],
            Read(csv));
    }

    [Fact]
    public void BadRowsAreSkippedWithLineNumberAndReasonAndTheRestIsRead()
    {
        using var folder = new TempFolder();
        var csv = folder.File("bad.csv", "id,path,label\n1,\"/p/open.jpg\n2,,x\n3\n\n4,\"/p/a.jpg\"junk\n5,/p/ok.jpg,fine\n");

        var items = Read(csv);

        Assert.Equal(
            [
                new SourceSkip($"{csv}:2", "unterminated quote"),
                new SourceSkip($"{csv}:3", "empty path"),
                new SourceSkip($"{csv}:4", "no path column"),
                new SourceSkip($"{csv}:6", "text after a closing quote"),
                new SourceImage("/p/ok.jpg", "5", "fine"),
            ],
            items);
    }

    [Fact]
    public void EstimateCountsRowsNotTheHeader()
    {
        using var folder = new TempFolder();
        var rows = string.Concat(Enumerable.Range(1, 5000).Select(i => $"{i},/p/{i}.jpg\n"));

        Assert.Equal(2, new CsvSource(folder.File("a.csv", "id,path\n1,a\n2,b\n")).EstimateCount(TestContext.Current.CancellationToken));
        Assert.Equal(2, new CsvSource(folder.File("b.csv", "1,a\n2,b")).EstimateCount(TestContext.Current.CancellationToken));
        Assert.Equal(5000, new CsvSource(folder.File("c.csv", "id,path,label\n" + rows)).EstimateCount(TestContext.Current.CancellationToken));
        Assert.Equal(5000, new CsvSource(folder.File("d.csv", rows)).EstimateCount(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RowsAreYieldedWhileTheFileIsStillBeingWritten()
    {
        // A named pipe that the test keeps open: a reader that listed the file first would never yield.
        using var folder = new TempFolder();
        var pipe = Path.Combine(folder.Path, "stream.csv");
        using (var mkfifo = Process.Start("mkfifo", [pipe]))
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
        var source = ImageSources.Open(pipe);
        Assert.Null(source.EstimateCount(TestContext.Current.CancellationToken));

        var writer = Task.Run(() => new StreamWriter(new FileStream(pipe, FileMode.Open, FileAccess.Write)) { AutoFlush = true });
        using var rows = source.Read(TestContext.Current.CancellationToken).GetEnumerator();
        var first = Task.Run(rows.MoveNext);
        await using var stream = await writer;
        await stream.WriteLineAsync("1,/p/first.jpg");

        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(new SourceImage("/p/first.jpg", "1"), rows.Current);
        await stream.WriteLineAsync("2,/p/second.jpg");
        stream.Close();
        Assert.True(rows.MoveNext());
        Assert.Equal("/p/second.jpg", ((SourceImage)rows.Current).Path);
        Assert.False(rows.MoveNext());
    }
}
