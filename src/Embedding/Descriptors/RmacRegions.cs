namespace ImageSearch.Embedding.Descriptors;

/// <summary>One square region of a feature map, in cells.</summary>
public readonly record struct FeatureRegion(int X, int Y, int Size);

/// <summary>
/// The R-MAC region grid of Tolias, Sicre and Jégou (ICLR 2016): at scale l = 1..L, square regions of side 2·min(W,H)/(l+1),
/// l regions along the shorter side and as many along the longer side as keep consecutive regions overlapping by about 40%.
/// Scale 1 is the largest square; on a square map it is the whole map.
/// </summary>
public static class RmacRegions
{
    /// <summary>Scales used by the paper and by this product.</summary>
    public const int DefaultLevels = 3;

    private const double TargetOverlap = 0.4;

    public static IReadOnlyList<FeatureRegion> For(int width, int height, int levels = DefaultLevels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var shorter = Math.Min(width, height);
        var (extraX, extraY) = ExtraSteps(width, height);
        var regions = new List<FeatureRegion>();
        for (var level = 1; level <= levels; level++)
        {
            var side = (int)Math.Floor(2.0 * shorter / (level + 1));
            if (side < 1)
                break;
            foreach (var y in Starts(height, side, level + extraY))
                foreach (var x in Starts(width, side, level + extraX))
                    regions.Add(new FeatureRegion(x, y, side));
        }
        return regions;
    }

    /// <summary>
    /// How many more regions the longer side gets than the shorter one: the step count (1..6) whose overlap of the largest
    /// square regions is nearest to 40%.
    /// </summary>
    private static (int X, int Y) ExtraSteps(int width, int height)
    {
        if (width == height)
            return (0, 0);
        var shorter = (double)Math.Min(width, height);
        var longer = Math.Max(width, height);
        var best = 0;
        var bestError = double.MaxValue;
        for (var steps = 2; steps <= 7; steps++)
        {
            var stride = (longer - shorter) / (steps - 1);
            var error = Math.Abs((shorter * shorter - shorter * stride) / (shorter * shorter) - TargetOverlap);
            if (error < bestError)
                (best, bestError) = (steps - 1, error);
        }
        return width > height ? (best, 0) : (0, best);
    }

    /// <summary><paramref name="count"/> region starts spread evenly from 0 to <paramref name="length"/> − <paramref name="side"/>.</summary>
    private static IEnumerable<int> Starts(int length, int side, int count)
    {
        if (count <= 1)
        {
            yield return Math.Max(0, (length - side) / 2);
            yield break;
        }
        var stride = (double)(length - side) / (count - 1);
        for (var i = 0; i < count; i++)
            yield return Math.Clamp((int)Math.Floor(i * stride + 1e-9), 0, length - side);
    }
}
