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

    private static void FillGaussian(Random random, Span<float> target)
    {
        for (var i = 0; i < target.Length; i += 2)
        {
            // Box–Muller: two independent normals from two uniforms.
            var r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            var angle = 2 * Math.PI * random.NextDouble();
            target[i] = (float)(r * Math.Cos(angle));
            if (i + 1 < target.Length)
                target[i + 1] = (float)(r * Math.Sin(angle));
        }
    }
}
