using ImageSearch.Embedding.Descriptors;

namespace ImageSearch.Embedding.Tests;

public sealed class RmacRegionsTests
{
    [Fact]
    public void ASevenBySevenMapHasTheWholeMapFourRegionsOfFourAndNineOfThree()
    {
        var regions = RmacRegions.For(7, 7);

        FeatureRegion[] expected =
        [
            new(0, 0, 7),
            new(0, 0, 4), new(3, 0, 4), new(0, 3, 4), new(3, 3, 4),
            new(0, 0, 3), new(2, 0, 3), new(4, 0, 3),
            new(0, 2, 3), new(2, 2, 3), new(4, 2, 3),
            new(0, 4, 3), new(2, 4, 3), new(4, 4, 3),
        ];
        Assert.Equal(expected, regions);
    }

    [Fact]
    public void AWideMapGetsMoreRegionsAcrossThanDown()
    {
        // 10 × 5 cells: three squares of side 5 across (stride 2.5, overlap 50%) come nearest to 40% (two: 0%, four: 67%).
        var regions = RmacRegions.For(10, 5);

        Assert.Equal([new(0, 0, 5), new(2, 0, 5), new(5, 0, 5)], regions.Where(r => r.Size == 5));
        Assert.Equal(3 * 1 + 4 * 2 + 5 * 3, regions.Count);
        Assert.All(regions, r => Assert.True(r.X + r.Size <= 10 && r.Y + r.Size <= 5, $"{r} leaves the map"));
    }
}
