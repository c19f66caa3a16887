using System.Buffers.Binary;
using ImageSearch.Contracts;

namespace ImageSearch.Embedding.Tests;

/// <summary>Whatever goes wrong with one image fails only that image; one at a time, the tracker always knows which image is in hand.</summary>
public sealed class ImageIsolationTests(EmbedderFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// A real file that once made the header reader throw what nobody foresaw (an OverflowException, caught as
    /// <see cref="DeadLetterReason.Unexpected"/>): a BMP whose height field is −2³¹, which has no positive counterpart.
    /// The reader now rejects it as <see cref="DeadLetterReason.Corrupt"/>; either way only that image fails.
    /// </summary>
    private static byte[] BmpWithMinimumHeight()
    {
        var bmp = TestImages.Encode(TestImages.Pattern(64, 64), ".bmp");
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), int.MinValue);
        return bmp;
    }

    [Fact]
    public async Task ABitmapThatOnceOverflowedTheReaderFailsOnlyItsImage()
    {
        var good1 = fixture.WriteFile("isolation-good1.jpg", TestImages.Jpeg(300, 200));
        var good2 = fixture.WriteFile("isolation-good2.png", TestImages.Encode(TestImages.Pattern(250, 250), ".png"));
        var bad = fixture.WriteFile("isolation-height.bmp", BmpWithMinimumHeight());

        var alone = await fixture.Embedder.EmbedFilesAsync([good1, good2], Cancel);
        var mixed = await fixture.Embedder.EmbedFilesAsync([good1, bad, good2], Cancel);
        var uploaded = (await fixture.Embedder.EmbedEncodedAsync([BmpWithMinimumHeight()], Cancel)).Single();

        Assert.Equal(DeadLetterReason.Corrupt, mixed[1].Reason);
        Assert.Equal((mixed[1].Reason, mixed[1].Error), (uploaded.Reason, uploaded.Error));
        Assert.Equal(alone[0].Vector!, mixed[0].Vector!, new FloatTolerance(1e-5f));
        Assert.Equal(alone[1].Vector!, mixed[2].Vector!, new FloatTolerance(1e-5f));
    }

    [Fact]
    public async Task OneAtATimeTellsTheTrackerEachImageInTurnAndGivesTheSameResults()
    {
        var files = SharedData.ImageNet100Files.Take(6).ToList();
        files.Insert(2, fixture.WriteFile("one-at-a-time-height.bmp", BmpWithMinimumHeight()));
        files.Insert(5, Path.Combine(fixture.Scratch, "one-at-a-time-missing.jpg"));
        var tracker = new RecordingTracker();

        var together = await fixture.Embedder.EmbedFilesAsync(files, Cancel);
        var oneAtATime = await fixture.Embedder.EmbedFilesOneAtATimeAsync(files, tracker, Cancel);

        // Strictly one image in hand at a time, in order, each let go before the next (the failing ones too).
        Assert.Equal(Enumerable.Range(0, files.Count).SelectMany(i => new[] { $"preparing {i}", $"prepared {i}" }), tracker.Calls);
        Assert.Equal(together.Select(r => r.Reason), oneAtATime.Select(r => r.Reason));
        Assert.Equal([DeadLetterReason.Corrupt, DeadLetterReason.FileMissing], oneAtATime.Where(r => !r.Succeeded).Select(r => r.Reason!.Value));
        for (var i = 0; i < files.Count; i++)
            if (together[i].Succeeded)
                Assert.Equal(together[i].Vector!, oneAtATime[i].Vector!, new FloatTolerance(1e-5f));
    }

    private sealed class RecordingTracker : IPreparationTracker
    {
        private readonly List<string> _calls = [];

        public IReadOnlyList<string> Calls
        {
            get { lock (_calls) return _calls.ToList(); }
        }

        public void Preparing(int index)
        {
            lock (_calls) _calls.Add($"preparing {index}");
        }

        public void Prepared(int index)
        {
            lock (_calls) _calls.Add($"prepared {index}");
        }
    }
}
