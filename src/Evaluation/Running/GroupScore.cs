using ImageSearch.Evaluation.Metrics;

namespace ImageSearch.Evaluation.Running;

/// <summary>The metrics of one group of queries (<see cref="SetScorer.All"/> for every query of the set).</summary>
/// <param name="FailedQueries">Queries that could not be embedded, left out.</param>
/// <param name="FailedGallery">Gallery images that could not be embedded, so no query could find them.</param>
public sealed record GroupScore(string Group, MetricSummary Metrics, int FailedQueries, int FailedGallery);
