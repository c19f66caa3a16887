namespace ImageSearch.Embedding.Tests;

/// <summary>Exact nearest-neighbour checks over unit vectors (cosine similarity is their dot product).</summary>
internal static class Similarity
{
    public static float Dot(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();

    /// <summary>How many queries have the original at their own index as nearest neighbour; every result must have succeeded.</summary>
    public static int OriginalsFound(IReadOnlyList<EmbeddingResult> originals, IReadOnlyList<EmbeddingResult> queries)
    {
        Assert.All(originals.Concat(queries), r => Assert.True(r.Succeeded, r.Error));
        return queries.Select((q, i) => Enumerable.Range(0, originals.Count).MaxBy(o => Dot(q.Vector!, originals[o].Vector!)) == i).Count(hit => hit);
    }
}
