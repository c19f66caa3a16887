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

    /// <summary>
    /// Records whose vectors lie near a <paramref name="rank"/>-dimensional subspace (plus 1 % noise), components in
    /// [-1, 1]: like embeddings, most of their variance sits in few directions, so a graph may hold their projections.
    /// </summary>
    public static VectorRecord[] LowRankRecords(int count, int dimension, int rank)
    {
        var basis = Enumerable.Range(0, rank).Select(r => Vector(seed: 7_000 + r, dimension)).ToArray();
        return Enumerable.Range(0, count).Select(i =>
        {
            var weights = Vector(seed: 90_000 + i, rank);
            var vector = Vector(seed: 190_000 + i, dimension);
            TensorPrimitives.Multiply(vector, 0.01f, vector);
            foreach (var (direction, weight) in basis.Zip(weights))
                TensorPrimitives.MultiplyAdd(direction, weight * 0.9f / rank, vector, vector);
            return new VectorRecord(i, vector, $"/images/{i}.jpg", "any");
        }).ToArray();
    }

    public static float SquaredL2(float[] a, float[] b)
    {
        var d = TensorPrimitives.Distance(a, b);
        return d * d;
    }

    public static float Cosine(float[] a, float[] b) => TensorPrimitives.CosineSimilarity(a, b);
}
