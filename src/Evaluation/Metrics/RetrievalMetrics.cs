namespace ImageSearch.Evaluation.Metrics;

/// <summary>
/// The one definition of the retrieval metrics (docs/evaluation.md). A query is scored from its ranked list, cut at K,
/// as one relevance flag per rank, and from the number of relevant gallery images, which may exceed what the list shows.
/// </summary>
public static class RetrievalMetrics
{
    /// <param name="ranked">Relevance of the results at ranks 1, 2, …; at most <paramref name="k"/> are read. Fewer when the gallery is smaller than K.</param>
    /// <param name="relevantCount">Relevant images in the whole gallery.</param>
    /// <param name="k">The cut-off, at least 1.</param>
    /// <returns>The query's score, or null when it has no relevant image: such a query has no right answer to find.</returns>
    public static QueryScore? Score(ReadOnlySpan<bool> ranked, int relevantCount, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(relevantCount);
        if (relevantCount == 0)
            return null;
        var shown = Math.Min(k, ranked.Length);
        var hits = 0;
        var precisionSum = 0.0;
        for (var i = 0; i < shown; i++)
        {
            if (!ranked[i])
                continue;
            hits++;
            precisionSum += hits / (double)(i + 1);
        }
        if (hits > relevantCount)
            throw new ArgumentException($"{hits} relevant results in the list but only {relevantCount} relevant images", nameof(relevantCount));
        // The denominator is what a perfect list could reach: a query with 3 relevant images scores 1 at K = 10 by finding all 3.
        var best = Math.Min(k, relevantCount);
        return new QueryScore(
            RecallAt1: ranked.Length > 0 && ranked[0] ? 1 : 0,
            HitRatio: hits / (double)best,
            AveragePrecision: precisionSum / best);
    }
}
