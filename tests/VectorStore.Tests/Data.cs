using System.Numerics.Tensors;

namespace ImageSearch.VectorStore.Tests;

/// <summary>Deterministic test vectors and the exact distances the stores must agree with.</summary>
internal static class Data
{
    public const int Dimension = 16;

    public static float[] Vector(int seed, int dimension = Dimension)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    public static VectorRecord Record(long id, int? seed = null, string? label = "any", int dimension = Dimension) =>
        new(id, Vector(seed ?? (int)id, dimension), $"/images/{id}.jpg", label);

    public static VectorRecord[] Records(int from, int count, Func<int, string?>? label = null, int dimension = Dimension) =>
        Enumerable.Range(from, count).Select(i => Record(i, label: label?.Invoke(i) ?? "any", dimension: dimension)).ToArray();

    public static float SquaredL2(float[] a, float[] b)
    {
        var d = TensorPrimitives.Distance(a, b);
        return d * d;
    }

    public static float Cosine(float[] a, float[] b) => TensorPrimitives.CosineSimilarity(a, b);
}
