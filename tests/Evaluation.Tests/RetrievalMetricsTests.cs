using ImageSearch.Evaluation.Metrics;

namespace ImageSearch.Evaluation.Tests;

/// <summary>Each case is computed by hand in its comment, from the definitions in docs/evaluation.md.</summary>
public sealed class RetrievalMetricsTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void OneRelevantImageAtRankThree()
    {
        // hits 1 of min(10, 1) = 1 → HR 1; AP = P@3 · 1 / 1 = 1/3; rank 1 is not relevant → recall@1 0.
        var score = Score([false, false, true, false, false, false, false, false, false, false], relevant: 1, k: 10);
        Assert.Equal(new QueryScore(0, 1, 1.0 / 3), score);
    }

    [Fact]
    public void FewerRelevantImagesThanK()
    {
        // 2 relevant, K = 10, found at ranks 1 and 3: HR = 2 / min(10, 2) = 1; AP = (1/1 + 2/3) / 2 = 5/6.
        var score = Score([true, false, true, false, false, false, false, false, false, false], relevant: 2, k: 10);
        Assert.Equal(1, score.RecallAt1);
        Assert.Equal(1, score.HitRatio, Tolerance);
        Assert.Equal(5.0 / 6, score.AveragePrecision, Tolerance);
    }

    [Fact]
    public void MoreRelevantImagesThanK()
    {
        // 5 relevant, K = 2: the denominator is min(2, 5) = 2. [miss, hit]: HR = 1/2; AP = (1/2) / 2 = 1/4.
        var score = Score([false, true], relevant: 5, k: 2);
        Assert.Equal(new QueryScore(0, 0.5, 0.25), score);
        // [hit, hit] is the best a list of 2 can do: 1 and 1.
        Assert.Equal(new QueryScore(1, 1, 1), Score([true, true], relevant: 5, k: 2));
    }

    [Fact]
    public void RelevantImagesBeyondKCountOnlyInTheDenominator()
    {
        // 3 relevant, K = 3, one found at rank 2, the others ranked lower: HR = 1/3; AP = (1/2) / 3 = 1/6.
        var score = Score([false, true, false], relevant: 3, k: 3);
        Assert.Equal(1.0 / 3, score.HitRatio, Tolerance);
        Assert.Equal(1.0 / 6, score.AveragePrecision, Tolerance);
    }

    [Fact]
    public void ResultsBeyondKAreNotRead()
    {
        // The list is longer than K = 2; the hit at rank 3 does not count.
        Assert.Equal(new QueryScore(0, 0, 0), Score([false, false, true], relevant: 1, k: 2));
    }

    [Fact]
    public void KLargerThanTheGallery()
    {
        // A gallery of 3 gives a list of 3 at K = 10. 2 relevant at ranks 2 and 3: HR = 2 / min(10, 2) = 1; AP = (1/2 + 2/3) / 2 = 7/12.
        var score = Score([false, true, true], relevant: 2, k: 10);
        Assert.Equal(0, score.RecallAt1);
        Assert.Equal(1, score.HitRatio, Tolerance);
        Assert.Equal(7.0 / 12, score.AveragePrecision, Tolerance);
    }

    [Fact]
    public void AQueryWithoutARelevantImageHasNoScore()
    {
        Assert.Null(RetrievalMetrics.Score([false, false], relevantCount: 0, k: 10));
    }

    [Fact]
    public void TheMeanLeavesOutQueriesWithoutARelevantImageAndCountsThem()
    {
        // Two scored queries (1, 1, 1) and (0, 1, 1/3), one without a relevant image: means over 2 → 0.5, 1, 2/3.
        var summary = MetricSummary.Of([new QueryScore(1, 1, 1), null, new QueryScore(0, 1, 1.0 / 3)]);
        Assert.Equal(2, summary.Queries);
        Assert.Equal(1, summary.WithoutRelevant);
        Assert.Equal(0.5, summary.RecallAt1, Tolerance);
        Assert.Equal(1, summary.HitRatio, Tolerance);
        Assert.Equal(2.0 / 3, summary.MeanAveragePrecision, Tolerance);
    }

    [Fact]
    public void MoreHitsThanRelevantImagesIsAnError()
    {
        Assert.Throws<ArgumentException>(() => RetrievalMetrics.Score([true, true], relevantCount: 1, k: 10));
    }

    private static QueryScore Score(bool[] ranked, int relevant, int k) => RetrievalMetrics.Score(ranked, relevant, k)!;
}
