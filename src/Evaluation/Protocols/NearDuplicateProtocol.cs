using ImageSearch.Evaluation.NearDuplicates;

namespace ImageSearch.Evaluation.Protocols;

/// <summary>
/// Near-duplicate search: the gallery holds the original photos (and any distractors), each query is an edited copy of
/// one original, and its one relevant image is that original. The report breaks the metrics down per edit.
/// </summary>
public static class NearDuplicateProtocol
{
    public const string Name = "near-duplicates";

    /// <param name="originals">Photos to copy; all of them join the gallery.</param>
    /// <param name="distractors">More gallery photos that no query should find (an original listed here too counts once, as an original).</param>
    /// <param name="copies">The generated copies (<see cref="NearDuplicateGenerator"/>), all of <paramref name="originals"/>.</param>
    public static EvaluationSet Create(IReadOnlyList<string> originals, IReadOnlyList<string> distractors, IReadOnlyList<NearDuplicateCopy> copies, string name = Name)
    {
        var originalSet = originals.ToHashSet(StringComparer.Ordinal);
        var gallery = originals.Concat(distractors.Where(d => !originalSet.Contains(d)).Distinct(StringComparer.Ordinal))
            .Select(path => new GalleryImage(path, path, path))
            .ToList();
        var queries = copies.Select(c => originalSet.Contains(c.Original)
                ? new QueryImage(c.Path, c.Original, c.Edit.ToString())
                : throw new ArgumentException($"{c.Path} is a copy of {c.Original}, which is not among the originals", nameof(copies)))
            .ToList();
        return new EvaluationSet(name, gallery, queries);
    }
}
