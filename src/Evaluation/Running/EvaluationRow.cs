using ImageSearch.Evaluation.Metrics;

namespace ImageSearch.Evaluation.Running;

/// <summary>One line of the report: a configuration on a protocol (or one query group of it).</summary>
/// <param name="ModelId">The embedder's model id, which names everything that changes the vectors (projection, crop…).</param>
/// <param name="ImagesPerSecond">Files embedded per second for this configuration, decode included (all of its protocols at once).</param>
public sealed record EvaluationRow(
    string Configuration, string ModelId, int Dimension, string Protocol, string Group, int K,
    MetricSummary Metrics, int FailedQueries, int FailedGallery, double ImagesPerSecond)
{
    /// <summary>A million float32 vectors of this dimension, in MB (10⁶ bytes): dimension × 4 bytes × 10⁶.</summary>
    public long VectorMegabytesPerMillion => 4L * Dimension;

    /// <summary>
    /// What the embedded store holds per million vectors, as far as it depends on the dimension: the float32 arena (exact
    /// search and re-ranking) plus the HNSW graph's int8 copy (1 byte a dimension, its default quantization). The graph's
    /// links (M = 32) come on top and do not depend on the dimension.
    /// </summary>
    public long StoreMegabytesPerMillion => 5L * Dimension;
}
