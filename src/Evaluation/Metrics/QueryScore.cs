namespace ImageSearch.Evaluation.Metrics;

/// <summary>The metrics of one query's ranked list, each between 0 and 1.</summary>
/// <param name="RecallAt1">1 when the first result is relevant, else 0 (the hit ratio at K = 1).</param>
/// <param name="HitRatio">|relevant ∩ top K| / min(K, |relevant|): the hit ratio at K (recall@K when one image is relevant).</param>
/// <param name="AveragePrecision">AP@K: Σ over ranks i ≤ K of P@i · rel(i), divided by min(K, |relevant|).</param>
public sealed record QueryScore(double RecallAt1, double HitRatio, double AveragePrecision);
