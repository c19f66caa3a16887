namespace ImageSearch.Evaluation.Metrics;

/// <summary>
/// The means over a set of queries. Queries with no relevant gallery image are left out of every mean and counted in
/// <see cref="WithoutRelevant"/>: scoring them 0 would punish the model for the gallery, scoring them 1 would reward it.
/// </summary>
public sealed record MetricSummary(int Queries, int WithoutRelevant, double RecallAt1, double HitRatio, double MeanAveragePrecision)
{
    public static MetricSummary Of(IEnumerable<QueryScore?> scores)
    {
        var list = scores.ToList();
        var scored = list.OfType<QueryScore>().ToList();
        return scored.Count == 0
            ? new MetricSummary(0, list.Count, double.NaN, double.NaN, double.NaN)
            : new MetricSummary(
                scored.Count,
                list.Count - scored.Count,
                scored.Average(s => s.RecallAt1),
                scored.Average(s => s.HitRatio),
                scored.Average(s => s.AveragePrecision));
    }
}
