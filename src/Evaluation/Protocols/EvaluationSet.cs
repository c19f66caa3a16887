namespace ImageSearch.Evaluation.Protocols;

/// <summary>A protocol made concrete: a gallery, queries, and (through labels) which gallery images each query should find.</summary>
public sealed record EvaluationSet(string Name, IReadOnlyList<GalleryImage> Gallery, IReadOnlyList<QueryImage> Queries)
{
    /// <summary>Every file the set reads, each once, in a stable order: what an evaluation embeds.</summary>
    public IEnumerable<string> Files => Gallery.Select(g => g.Path).Concat(Queries.Select(q => q.Path)).Distinct(StringComparer.Ordinal);
}
