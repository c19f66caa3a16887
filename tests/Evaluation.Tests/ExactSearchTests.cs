using ImageSearch.Evaluation.Metrics;
using ImageSearch.Evaluation.Search;

namespace ImageSearch.Evaluation.Tests;

public sealed class ExactSearchTests
{
    [Fact]
    public void RanksByDescendingSimilarityAndKeepsTheBestK()
    {
        // Scores against (1, 0) rise with the gallery position, so the best ones arrive last.
        var gallery = Enumerable.Range(0, 9).Select(i => Unit(i + 1, 9 - i)).ToList();
        var ranked = new ExactSearch(gallery).Rank(Unit(1, 0), _ => false, k: 3);
        Assert.Equal([8, 7, 6], ranked.Indices);
        Assert.True(ranked.Scores[0] > ranked.Scores[1] && ranked.Scores[1] > ranked.Scores[2]);
    }

    [Fact]
    public void TiesRankNonRelevantImagesFirst()
    {
        // Gallery 0 and 1 are the same vector; 0 is relevant. Pessimistic order: 1 (not relevant), then 0, then 2.
        var gallery = new List<float[]> { Unit(1, 0), Unit(1, 0), Unit(0, 1) };
        var ranked = new ExactSearch(gallery).Rank(Unit(1, 0), i => i == 0, k: 10);
        Assert.Equal([1, 0, 2], ranked.Indices);
        Assert.Equal([false, true, false], ranked.Relevant);
        // So the tie costs the hit at rank 1: recall@1 0, AP@10 = (1/2) / 1.
        Assert.Equal(new QueryScore(0, 1, 0.5), RetrievalMetrics.Score(ranked.Relevant, 1, 10));
    }

    [Fact]
    public void TiesAmongEquallyRelevantImagesKeepGalleryOrder()
    {
        var gallery = new List<float[]> { Unit(0, 1), Unit(1, 0), Unit(1, 0), Unit(1, 0) };
        var ranked = new ExactSearch(gallery).Rank(Unit(1, 0), _ => false, k: 2);
        Assert.Equal([1, 2], ranked.Indices);
    }

    [Fact]
    public void KLargerThanTheGalleryReturnsTheWholeGallery()
    {
        var ranked = new ExactSearch([Unit(1, 0), Unit(0, 1)]).Rank(Unit(0, 1), i => i == 1, k: 10);
        Assert.Equal([1, 0], ranked.Indices);
    }

    [Fact]
    public void AVectorOfAnotherDimensionIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new ExactSearch([Unit(1, 0), [1f, 0, 0]]));
        Assert.Throws<ArgumentException>(() => new ExactSearch([Unit(1, 0)]).Rank(new float[3], _ => false, 1));
    }

    private static float[] Unit(float x, float y)
    {
        var length = MathF.Sqrt(x * x + y * y);
        return [x / length, y / length];
    }
}
