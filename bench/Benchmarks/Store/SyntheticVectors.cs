using System.Numerics.Tensors;
using ImageSearch.VectorStore;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// Seeded unit vectors, generated in blocks so a million never sit in memory at once. <c>random</c>: i.i.d. Gaussian
/// directions, the worst case for any ANN index (all distances concentrate near √2). <c>structured</c>: a 32-d latent
/// mapped into 512-d plus 10 % isotropic noise, closer to real image embeddings, whose variance sits in few directions.
/// </summary>
internal sealed class SyntheticVectors(string kind, int dimension, int seed)
{
    private const int Latent = 32;
    private const float NoiseShare = 0.10f;
    private readonly float[][] _basis = MakeBasis(dimension, seed);

    public string Kind => kind;

    /// <summary>Vector <paramref name="index"/> of the stream; the same index always gives the same vector.</summary>
    public float[] Make(long index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        var v = new float[dimension];
        if (kind == "random")
        {
            FillGaussian(random, v);
        }
        else
        {
            Span<float> z = stackalloc float[Latent];
            FillGaussian(random, z);
            foreach (var (column, weight) in _basis.Zip(z.ToArray()))
                TensorPrimitives.MultiplyAdd(column, weight, v, v);
            var noise = new float[dimension];
            FillGaussian(random, noise);
            // Each coordinate of A·z has variance Latent; scale the noise to NoiseShare of the total energy.
            TensorPrimitives.MultiplyAdd(noise, MathF.Sqrt(Latent * NoiseShare / (1 - NoiseShare)), v, v);
        }
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    /// <summary>Records <c>start..start+count-1</c> of the stream (id = index), generated in parallel.</summary>
    public VectorRecord[] Records(int start, int count) =>
        Enumerable.Range(start, count).AsParallel().AsOrdered().Select(i => new VectorRecord(i, Make(i), $"/images/{i:D7}.jpg", null)).ToArray();

    private static float[][] MakeBasis(int dimension, int seed)
    {
        var random = new Random(seed ^ 0x5EED);
        return Enumerable.Range(0, Latent).Select(_ =>
        {
            var column = new float[dimension];
            FillGaussian(random, column);
            return column;
        }).ToArray();
    }

    /// <summary>
    /// Box–Muller over whole spans (vectorised log, sqrt, cos, sin): i.i.d. standard normals, about ten times cheaper than
    /// one pair at a time in double precision, so that generating the rows takes little of the cores the store is measured on.
    /// </summary>
    private static void FillGaussian(Random random, Span<float> target)
    {
        var half = (target.Length + 1) / 2;
        Span<float> radius = stackalloc float[half];
        Span<float> angle = stackalloc float[half];
        for (var i = 0; i < half; i++)
            (radius[i], angle[i]) = (1 - random.NextSingle(), 2 * MathF.PI * random.NextSingle());
        TensorPrimitives.Log(radius, radius);
        TensorPrimitives.Multiply(radius, -2f, radius);
        TensorPrimitives.Sqrt(radius, radius);
        Span<float> trig = stackalloc float[half];
        TensorPrimitives.Cos(angle, trig);
        TensorPrimitives.Multiply(radius, trig, target[..half]);
        TensorPrimitives.Sin(angle, trig);
        TensorPrimitives.Multiply(radius[..(target.Length - half)], trig[..(target.Length - half)], target[half..]);
    }
}
