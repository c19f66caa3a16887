using ImageSearch.Embedding.PostProcessing;

namespace ImageSearch.Embedding.Descriptors;

/// <summary>
/// Pools one image's feature map (channels × height × width, row-major, as an NCHW model writes it) into one value per
/// channel. The results are not normalised here: <see cref="Add"/> normalises what it accumulates, and the vector
/// post-processor normalises the final sum.
/// </summary>
public static class FeatureMapPooling
{
    // Activations after ReLU are ≥ 0; GeM raises them to p, so zero is kept away from 0^(1/p) with a floor.
    private const float GemFloor = 1e-6f;

    public static void Average(ReadOnlySpan<float> map, int channels, Span<float> pooled)
    {
        var cells = Cells(map, channels, pooled);
        for (var c = 0; c < channels; c++)
        {
            var sum = 0.0;
            foreach (var v in map.Slice(c * cells, cells))
                sum += v;
            pooled[c] = (float)(sum / cells);
        }
    }

    /// <summary>Generalised mean: (mean of max(x, ε)^p)^(1/p) per channel.</summary>
    public static void GeneralisedMean(ReadOnlySpan<float> map, int channels, double p, Span<float> pooled)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 1.0);
        var cells = Cells(map, channels, pooled);
        var cube = p == 3.0;
        for (var c = 0; c < channels; c++)
        {
            var sum = 0.0;
            foreach (var raw in map.Slice(c * cells, cells))
            {
                double v = Math.Max(raw, GemFloor);
                sum += cube ? v * v * v : Math.Pow(v, p);
            }
            pooled[c] = (float)Math.Pow(sum / cells, 1.0 / p);
        }
    }

    /// <summary>
    /// R-MAC: the maximum of each channel within each region of <see cref="RmacRegions.For"/>, each region's vector
    /// L2-normalised, then summed.
    /// </summary>
    public static void RegionalMaximum(ReadOnlySpan<float> map, int channels, int height, int width, Span<float> pooled)
    {
        if (map.Length != channels * height * width)
            throw new ArgumentException($"feature map holds {map.Length} floats, expected {channels}×{height}×{width}", nameof(map));
        pooled[..channels].Clear();
        Span<float> region = channels <= 4096 ? stackalloc float[channels] : new float[channels];
        foreach (var r in RmacRegions.For(width, height))
        {
            for (var c = 0; c < channels; c++)
            {
                var plane = map.Slice(c * height * width, height * width);
                var max = float.MinValue;
                for (var y = r.Y; y < r.Y + r.Size; y++)
                    foreach (var v in plane.Slice(y * width + r.X, r.Size))
                        max = Math.Max(max, v);
                region[c] = max;
            }
            Add(region, pooled[..channels]);
        }
    }

    /// <summary>Adds <paramref name="vector"/>, scaled to unit length, to <paramref name="sum"/> (an all-zero vector adds nothing).</summary>
    public static void Add(ReadOnlySpan<float> vector, Span<float> sum)
    {
        var inverse = VectorPostProcessor.InverseLength(vector);
        for (var i = 0; i < vector.Length; i++)
            sum[i] += vector[i] * inverse;
    }

    private static int Cells(ReadOnlySpan<float> map, int channels, Span<float> pooled)
    {
        if (channels < 1 || map.Length % channels != 0 || map.Length == 0)
            throw new ArgumentException($"feature map of {map.Length} floats does not split into {channels} channels", nameof(map));
        if (pooled.Length < channels)
            throw new ArgumentException($"pooled holds {pooled.Length} floats, needs {channels}", nameof(pooled));
        return map.Length / channels;
    }
}
