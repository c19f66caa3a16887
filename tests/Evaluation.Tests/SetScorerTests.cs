using ImageSearch.Evaluation.Protocols;
using ImageSearch.Evaluation.Running;

namespace ImageSearch.Evaluation.Tests;

public sealed class SetScorerTests
{
    [Fact]
    public void LabelsDecideRelevanceAndGroupsAreScoredApart()
    {
        // Gallery: two "cat" images near (1, 0), one "dog" at (0, 1). A cat query at (1, 0.1) finds both cats first;
        // a dog query at (0.1, 1) finds the dog first; a "fox" query has nothing relevant.
        var set = new EvaluationSet("test",
            [new("1", "cat1", "cat"), new("2", "dog1", "dog"), new("3", "cat2", "cat")],
            [new("q-cat", "cat", "a"), new("q-dog", "dog", "b"), new("q-fox", "fox", "b")]);
        var vectors = new Dictionary<string, float[]>
        {
            ["cat1"] = [1, 0], ["cat2"] = [0.99f, 0.14f], ["dog1"] = [0, 1],
            ["q-cat"] = [0.995f, 0.1f], ["q-dog"] = [0.1f, 0.995f], ["q-fox"] = [0.7f, 0.7f],
        };

        var groups = SetScorer.Score(set, vectors, k: 10);

        Assert.Equal([SetScorer.All, "a", "b"], groups.Select(g => g.Group));
        var all = groups[0].Metrics;
        Assert.Equal((2, 1), (all.Queries, all.WithoutRelevant));
        Assert.Equal((1.0, 1.0, 1.0), (all.RecallAt1, all.HitRatio, all.MeanAveragePrecision));
        Assert.Equal((1, 1), (groups[2].Metrics.Queries, groups[2].Metrics.WithoutRelevant));
    }

    [Fact]
    public void ImagesThatFailedToEmbedAreLeftOutAndCounted()
    {
        var set = new EvaluationSet("test", [new("1", "a", "x"), new("2", "b", "y")], [new("qa", "x"), new("qb", "y")]);
        var vectors = new Dictionary<string, float[]> { ["a"] = [1, 0], ["qa"] = [1, 0] };

        var all = SetScorer.Score(set, vectors, k: 10)[0];

        // Query qb failed; gallery b failed, so nothing is relevant to y either way.
        Assert.Equal((1, 1, 1), (all.Metrics.Queries, all.FailedQueries, all.FailedGallery));
        Assert.Equal(1, all.Metrics.RecallAt1);
    }
}
