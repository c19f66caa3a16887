using ImageSearch.Contracts;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Pipeline.Embedder;

namespace ImageSearch.Pipeline.Tests.Embedder;

/// <summary>
/// A batch whose reads mostly timed out is the storage's fault, not the images': the batch fails (and is retried by the
/// definition) instead of dead-lettering every image. One slow file among good ones is still its own dead letter.
/// </summary>
public sealed class SourceOutageTests
{
    private static readonly EmbedImage[] Images = Enumerable.Range(1, 4).Select(i => new EmbedImage(i, $"/mnt/photos/{i}.jpg")).ToArray();

    private static EmbeddingResult TimedOut() =>
        EmbeddingResult.Failure(new ImageRejectedException(DeadLetterReason.Unreadable, "timed out after 5 s") { IsSourceTimeout = true });

    private static EmbeddingResult Embedded() => new([1f, 0f], null, null);

    [Fact]
    public async Task MostOfABatchTimingOutFailsTheBatchAndDeadLettersNothing()
    {
        var batch = new BatchOutputs(Images, "m");
        await Assert.ThrowsAsync<ImageSourceUnavailableException>(() =>
            batch.EmbedAsync([0, 1, 2, 3], _ => Task.FromResult<IReadOnlyList<EmbeddingResult>>([TimedOut(), TimedOut(), TimedOut(), Embedded()])));
        Assert.Empty(batch.Filled);
    }

    [Fact]
    public async Task OneTimeOutAmongGoodImagesIsThatImagesDeadLetter()
    {
        var batch = new BatchOutputs(Images, "m");
        await batch.EmbedAsync([0, 1, 2, 3], _ => Task.FromResult<IReadOnlyList<EmbeddingResult>>([TimedOut(), Embedded(), Embedded(), Embedded()]));
        var letter = Assert.Single(batch.Filled.OfType<ImageDeadLettered>());
        Assert.Equal((1L, DeadLetterReason.Unreadable), (letter.ImageId, letter.Reason));
        Assert.Equal(3, batch.Filled.OfType<ImageEmbedded>().Count());
    }
}
