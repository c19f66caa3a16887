using ImageSearch.Embedding.Descriptors;

namespace ImageSearch.Embedding.Tests;

/// <summary>The pooling math on small feature maps whose answers are worked out by hand.</summary>
public sealed class FeatureMapPoolingTests
{
    // Two channels of 2 × 2 cells: channel 0 holds 1, 2, 3, 4; channel 1 holds 0, 0, 0, 8.
    private static readonly float[] Map = [1, 2, 3, 4, 0, 0, 0, 8];

    [Fact]
    public void AveragePoolingTakesEachChannelsMean()
    {
        var pooled = new float[2];

        FeatureMapPooling.Average(Map, 2, pooled);

        Assert.Equal([2.5f, 2f], pooled);
    }

    [Fact]
    public void GemWithPOneIsTheAverage()
    {
        var average = new float[2];
        var gem = new float[2];

        FeatureMapPooling.Average(Map, 2, average);
        FeatureMapPooling.GeneralisedMean(Map, 2, 1, gem);

        Assert.Equal(average, gem, new FloatTolerance(1e-5f));
    }

    [Fact]
    public void GemWithPThreeIsTheCubeRootOfTheMeanCube()
    {
        var gem = new float[2];

        FeatureMapPooling.GeneralisedMean(Map, 2, 3, gem);

        // (1 + 8 + 27 + 64) / 4 = 25; (8^3 / 4) = 128; the zero cells count as ε^3 ≈ 0.
        Assert.Equal([MathF.Cbrt(25), MathF.Cbrt(128)], gem, new FloatTolerance(1e-4f));
    }

    [Fact]
    public void GemWithALargePApproachesTheMaximum()
    {
        var gem = new float[2];

        FeatureMapPooling.GeneralisedMean(Map, 2, 64, gem);

        // (1/4)^(1/64) ≈ 0.979 of the maximum.
        Assert.Equal([4f, 8f], gem, new FloatTolerance(0.1f * 8));
        Assert.True(gem[0] > 3.9f && gem[1] > 7.8f, $"GeM p=64 gave {gem[0]}, {gem[1]}");
    }

    [Fact]
    public void RmacSumsTheNormalisedMaximaOfEveryRegion()
    {
        var pooled = new float[2];

        FeatureMapPooling.RegionalMaximum(Map, 2, 2, 2, pooled);

        // Regions of a 2 × 2 map: scale 1 the whole map, max (4, 8) → (1, 2)/√5; scale 2 the four cells; scale 3 cells again,
        // starts 0, 0, 1 per axis (so cell 0 four times, cells 1 and 2 twice, cell 3 once). Cells 0..2 normalise to (1, 0),
        // cell 3 (4, 8) to (1, 2)/√5: (1, 2)/√5 × 3 + (1, 0) × (3 + 8).
        var third = 1 / MathF.Sqrt(5);
        Assert.Equal([11 + 3 * third, 6 * third], pooled, new FloatTolerance(1e-5f));
    }

    [Fact]
    public void AddNormalisesWhatItAddsAndSkipsZeroVectors()
    {
        var sum = new float[] { 1, 1 };

        FeatureMapPooling.Add([3f, 4f], sum);
        FeatureMapPooling.Add([0f, 0f], sum);

        Assert.Equal([1.6f, 1.8f], sum, new FloatTolerance(1e-6f));
    }

    [Fact]
    public void RmacOfAMirroredMapEqualsRmacOfTheMap()
    {
        // The region grid is symmetric, so mirroring the map left to right must not change R-MAC; nor GeM.
        const int channels = 3, height = 7, width = 7;
        var random = new Random(5);
        var map = Enumerable.Range(0, channels * height * width).Select(_ => (float)random.NextDouble()).ToArray();
        var mirrored = new float[map.Length];
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                    mirrored[(c * height + y) * width + x] = map[(c * height + y) * width + width - 1 - x];
        var (a, b, gemA, gemB) = (new float[channels], new float[channels], new float[channels], new float[channels]);

        FeatureMapPooling.RegionalMaximum(map, channels, height, width, a);
        FeatureMapPooling.RegionalMaximum(mirrored, channels, height, width, b);
        FeatureMapPooling.GeneralisedMean(map, channels, 3, gemA);
        FeatureMapPooling.GeneralisedMean(mirrored, channels, 3, gemB);

        Assert.Equal(a, b, new FloatTolerance(1e-5f));
        Assert.Equal(gemA, gemB, new FloatTolerance(1e-5f));
    }
}
