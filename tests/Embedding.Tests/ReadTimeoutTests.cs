using System.Diagnostics;
using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;

namespace ImageSearch.Embedding.Tests;

/// <summary>
/// A read that stalls (a network mount gone quiet) is given up at the deadline, and the worker goes on. A regular file
/// cannot be made to stall here, so a FIFO whose writer never writes (or writes a byte at a time) stands in for the
/// stalled storage, read by the reader's own read loop under its own deadline.
/// </summary>
public sealed class ReadTimeoutTests(EmbedderFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string NewFifo() => UnixFiles.MakeFifo(Path.Combine(fixture.Scratch, Guid.NewGuid().ToString("N")[..8] + ".jpg"));

    private static async Task<ImageRejectedException> TimesOut(ReadDeadline deadline, Stream stalled, string path)
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ImageRejectedException>(async () =>
            (await deadline.RunAsync(giveUp => ImageFileReader.ReadContents(stalled, 4096, giveUp), path, Ct)).Dispose());
        Assert.True(clock.Elapsed < Timeout + TimeSpan.FromSeconds(2), $"gave up after {clock.Elapsed}, the deadline is {Timeout}");
        Assert.Equal(DeadLetterReason.Unreadable, error.Reason);
        Assert.True(error.IsSourceTimeout);
        Assert.Contains("timed out after 0.3 s", error.Message);
        return error;
    }

    [Fact]
    public async Task ReadThatNeverReturnsTimesOutAndIsCleanedUpWhenItDoes()
    {
        var path = NewFifo();
        var writer = Open(path, FileAccess.ReadWrite); // holds the pipe open, writes nothing
        using var stalled = Open(path, FileAccess.Read);
        var deadline = new ReadDeadline(Timeout);

        await TimesOut(deadline, stalled, path);
        Assert.Equal(1, deadline.Abandoned);

        // The kernel lets the read go when the writer hangs up; only then are its file and buffer released.
        writer.Dispose();
        await WaitUntil(() => deadline.Abandoned == 0);
    }

    [Fact]
    public async Task SlowTrickleTimesOutAndTheAbandonedReadStopsAtItsNextChunk()
    {
        var path = NewFifo();
        using var writer = Open(path, FileAccess.ReadWrite);
        using var stalled = Open(path, FileAccess.Read);
        using var stop = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                writer.Write([0xFF]);
                await Task.Delay(50, CancellationToken.None);
            }
        }, Ct);
        var deadline = new ReadDeadline(Timeout);

        await TimesOut(deadline, stalled, path);

        // Still trickling, yet the abandoned read noticed it was given up and returned (perhaps already: a byte comes every 50 ms).
        await WaitUntil(() => deadline.Abandoned == 0);
        Assert.False(trickle.IsCompleted);
        await stop.CancelAsync();
        await trickle;
    }

    [Fact]
    public async Task MoreStuckReadsThanReadThreadsDoNotStopOtherReads()
    {
        // Each abandoned read keeps its thread; without a thread taking its place, these would hold every read thread.
        // The last few wait for a thread first: each deadline runs from the moment its read is taken up.
        var stuck = ReadThreads.Size + 4;
        var writers = new List<FileStream>();
        var readers = new List<FileStream>();
        var deadlines = Enumerable.Range(0, (stuck + ReadDeadline.MaxAbandoned - 1) / ReadDeadline.MaxAbandoned).Select(_ => new ReadDeadline(Timeout)).ToList();
        try
        {
            var reads = Enumerable.Range(0, stuck).Select(i =>
            {
                var path = NewFifo();
                writers.Add(Open(path, FileAccess.ReadWrite));
                readers.Add(Open(path, FileAccess.Read));
                var stalled = readers[^1];
                return Assert.ThrowsAsync<ImageRejectedException>(async () =>
                    (await deadlines[i / ReadDeadline.MaxAbandoned].RunAsync(giveUp => ImageFileReader.ReadContents(stalled, 4096, giveUp), path, Ct)).Dispose());
            }).ToList();
            await Task.WhenAll(reads);
            Assert.Equal(stuck, deadlines.Sum(d => d.Abandoned));

            var file = Path.Combine(fixture.Scratch, Guid.NewGuid().ToString("N")[..8] + ".bin");
            await File.WriteAllBytesAsync(file, [1, 2, 3], Ct);
            await using var good = Open(file, FileAccess.Read);
            using var image = await new ReadDeadline(Timeout).RunAsync(giveUp => ImageFileReader.ReadContents(good, 3, giveUp), file, Ct)
                .AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct); // fails rather than hangs if no thread ever takes it up
            Assert.Equal([1, 2, 3], image.Span.ToArray());
        }
        finally
        {
            writers.ForEach(w => w.Dispose()); // the stuck reads return, and their threads leave the pool
        }
        await WaitUntil(() => deadlines.Sum(d => d.Abandoned) == 0);
        readers.ForEach(r => r.Dispose());
    }

    [Fact]
    public void MostOfABatchTimingOutMeansTheSourceIsDown()
    {
        var timedOut = EmbeddingResult.Failure(new ImageRejectedException(DeadLetterReason.Unreadable, "timed out") { IsSourceTimeout = true });
        var missing = EmbeddingResult.Failure(new ImageRejectedException(DeadLetterReason.FileMissing, "gone"));
        var fine = EmbeddingResult.Success([1f]);

        Assert.True(timedOut.SourceTimedOut);
        Assert.False(missing.SourceTimedOut);
        Assert.True(EmbeddingResult.SourceLooksDown([timedOut, timedOut, fine]));
        Assert.False(EmbeddingResult.SourceLooksDown([timedOut, missing, fine]));
        Assert.False(EmbeddingResult.SourceLooksDown([]));
    }

    /// <summary>Unbuffered, as the reader reads: each read call is one read(2).</summary>
    internal static FileStream Open(string path, FileAccess access) => new(path, FileMode.Open, access, FileShare.ReadWrite, bufferSize: 0);

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the abandoned read was never cleaned up");
            await Task.Delay(20, Ct);
        }
    }
}
