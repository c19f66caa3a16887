using ImageSearch.Embedding.Inference;

namespace ImageSearch.Embedding.Tests;

public sealed class PaddedRunTests
{
    [Theory]
    [InlineData(256, 256, 256)] // a full batch
    [InlineData(244, 256, 256)] // a group a few failed images shortened runs as a full one
    [InlineData(12, 256, 16)]
    [InlineData(1, 256, 1)]
    [InlineData(100, 110, 110)] // no room for 128: as much as there is
    [InlineData(100, 100, 100)]
    public void PadsToThePowerOfTwoAboveWithinTheRoom(int count, int room, int size)
    {
        var run = new PaddedRun(new float[room * 2], 0, count, room, featureLength: 2);

        Assert.Equal(size, run.Size);
        Assert.Equal(size * 2, run.Vectors.Length);
        Assert.Equal([size, 3, 4], run.Shape([1, 3, 4]));
    }

    [Fact]
    public void WithoutPaddingRunsExactlyTheImagesIntoTheOutput()
    {
        var output = new float[256 * 2];

        var run = new PaddedRun(output, 10, 244, 246, featureLength: 2, pad: false);

        Assert.Equal(244, run.Size);
        Assert.True(run.Vectors.Span.Overlaps(output.AsSpan(20, 244 * 2)));
    }

    [Fact]
    public void CompleteCopiesOnlyTheRealImagesVectorsToTheirPlace()
    {
        var output = Enumerable.Repeat(-1f, 16).ToArray();
        var run = new PaddedRun(output, start: 2, count: 3, room: 6, featureLength: 2);
        Assert.Equal(4, run.Size);
        for (var i = 0; i < run.Vectors.Length; i++)
            run.Vectors.Span[i] = 100 + i;

        run.Complete();

        Assert.Equal([-1, -1, -1, -1, 100, 101, 102, 103, 104, 105, -1, -1, -1, -1, -1, -1], output);
    }
}
