namespace ImageSearch.VectorStore;

/// <summary>The one check both stores make before writing into an existing collection.</summary>
internal static class CollectionMismatch
{
    /// <summary>Throws <see cref="CollectionMismatchException"/> naming every setting that differs.</summary>
    public static void ThrowIfDifferent(CollectionSpec requested, CollectionSpec stored, string what)
    {
        List<string> problems = [];
        if (requested.Dimension != stored.Dimension)
            problems.Add($"dimension {requested.Dimension} ≠ stored {stored.Dimension}");
        if (requested.Metric != stored.Metric)
            problems.Add($"metric {requested.Metric} ≠ stored {stored.Metric}");
        if (!string.Equals(requested.Model, stored.Model, StringComparison.Ordinal))
            problems.Add($"model '{requested.Model}' ≠ stored '{stored.Model}'");
        if (problems.Count > 0)
            throw new CollectionMismatchException(
                $"{what} '{stored.Name}' exists with other settings ({string.Join("; ", problems)}). " +
                "Use another collection name (e.g. one per model) or drop it and re-index.");
    }
}
