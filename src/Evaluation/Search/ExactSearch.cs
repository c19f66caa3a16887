using System.Numerics.Tensors;

namespace ImageSearch.Evaluation.Search;

/// <summary>
/// Brute-force search by dot product over unit vectors (cosine similarity), so an evaluation measures the embedding and
/// never an approximate index. Equal scores are ordered pessimistically and deterministically: non-relevant images
/// first, then by gallery position. A tie thus never earns a hit, and a model that maps everything to one vector scores 0.
/// </summary>
public sealed class ExactSearch
{
    private readonly float[] _matrix;

    public ExactSearch(IReadOnlyList<float[]> gallery)
    {
        Dimension = gallery.Count == 0 ? 0 : gallery[0].Length;
        _matrix = new float[gallery.Count * Dimension];
        for (var i = 0; i < gallery.Count; i++)
        {
            if (gallery[i].Length != Dimension)
                throw new ArgumentException($"gallery vector {i} has {gallery[i].Length} dimensions, the first has {Dimension}", nameof(gallery));
            gallery[i].CopyTo(_matrix, i * Dimension);
        }
        Count = gallery.Count;
    }

    public int Count { get; }

    public int Dimension { get; }

    /// <summary>The best <paramref name="k"/> gallery images for <paramref name="query"/> (all of them when the gallery is smaller).</summary>
    public RankedList Rank(ReadOnlySpan<float> query, Func<int, bool> isRelevant, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (query.Length != Dimension && Count > 0)
            throw new ArgumentException($"query has {query.Length} dimensions, the gallery {Dimension}", nameof(query));
        var size = Math.Min(k, Count);
        var indices = new int[size];
        var scores = new float[size];
        var relevant = new bool[size];
        var filled = 0;
        for (var i = 0; i < Count; i++)
        {
            var score = TensorPrimitives.Dot(query, _matrix.AsSpan(i * Dimension, Dimension));
            var isHit = isRelevant(i);
            // Find where it goes among the kept ones (sorted best first); a candidate beyond the last kept slot is dropped.
            var at = filled;
            while (at > 0 && Before(score, isHit, i, scores[at - 1], relevant[at - 1], indices[at - 1]))
                at--;
            if (at >= size)
                continue;
            var last = Math.Min(filled, size - 1);
            Array.Copy(indices, at, indices, at + 1, last - at);
            Array.Copy(scores, at, scores, at + 1, last - at);
            Array.Copy(relevant, at, relevant, at + 1, last - at);
            (indices[at], scores[at], relevant[at]) = (i, score, isHit);
            filled = Math.Min(filled + 1, size);
        }
        return new RankedList(indices, scores, relevant);
    }

    /// <summary>Whether candidate a ranks before b: higher score; at equal score the non-relevant one; then the earlier gallery position.</summary>
    private static bool Before(float scoreA, bool relevantA, int indexA, float scoreB, bool relevantB, int indexB) =>
        scoreA != scoreB ? scoreA > scoreB
        : relevantA != relevantB ? !relevantA
        : indexA < indexB;
}
