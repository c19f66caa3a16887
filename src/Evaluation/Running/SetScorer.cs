using ImageSearch.Evaluation.Metrics;
using ImageSearch.Evaluation.Protocols;
using ImageSearch.Evaluation.Search;

namespace ImageSearch.Evaluation.Running;

/// <summary>Scores an <see cref="EvaluationSet"/> from the vectors of its files: exact search for every query, then the metrics.</summary>
public static class SetScorer
{
    public const string All = "all";

    /// <param name="vectors">Unit vectors by file path; a file missing here failed to embed and is left out (and counted).</param>
    /// <returns>The whole set first, then each query group in order of first appearance.</returns>
    public static IReadOnlyList<GroupScore> Score(EvaluationSet set, IReadOnlyDictionary<string, float[]> vectors, int k)
    {
        var gallery = set.Gallery.Where(g => vectors.ContainsKey(g.Path)).ToList();
        var failedGallery = set.Gallery.Count - gallery.Count;
        var search = new ExactSearch(gallery.Select(g => vectors[g.Path]).ToList());
        var relevantCounts = gallery.CountBy(g => g.Label, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var scored = set.Queries.Select(query =>
        {
            if (!vectors.TryGetValue(query.Path, out var vector))
                return (query.Group, Score: (QueryScore?)null, Failed: true);
            var ranked = search.Rank(vector, i => gallery[i].Label == query.Label, k);
            return (query.Group, Score: RetrievalMetrics.Score(ranked.Relevant, relevantCounts.GetValueOrDefault(query.Label), k), Failed: false);
        }).ToList();

        var groups = new List<GroupScore> { Summarise(All, scored, failedGallery) };
        foreach (var group in scored.Select(s => s.Group).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal))
            groups.Add(Summarise(group, scored.Where(s => s.Group == group).ToList(), failedGallery));
        return groups;
    }

    private static GroupScore Summarise(string group, List<(string Group, QueryScore? Score, bool Failed)> scored, int failedGallery) =>
        new(group, MetricSummary.Of(scored.Where(s => !s.Failed).Select(s => s.Score)), scored.Count(s => s.Failed), failedGallery);
}
