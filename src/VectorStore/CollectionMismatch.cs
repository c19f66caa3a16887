namespace ImageSearch.VectorStore;

/// <summary>The one check of a requested collection against a stored one: both stores before writing, and health checks.</summary>
public static class CollectionMismatch
{
    /// <summary>Every setting that differs (dimension, metric, model), described; empty when they match.</summary>
    public static IReadOnlyList<string> Differences(CollectionSpec requested, CollectionSpec stored)
    {
        List<string> problems = [];
        if (requested.Dimension != stored.Dimension)
            problems.Add($"dimension {requested.Dimension} ≠ stored {stored.Dimension}");
        if (requested.Metric != stored.Metric)
            problems.Add($"metric {requested.Metric} ≠ stored {stored.Metric}");
        if (!string.Equals(requested.Model, stored.Model, StringComparison.Ordinal))
            problems.Add($"model '{requested.Model}' ≠ stored '{stored.Model}'");
        return problems;
    }

    /// <summary>Throws <see cref="CollectionMismatchException"/> naming every setting that differs.</summary>
    internal static void ThrowIfDifferent(CollectionSpec requested, CollectionSpec stored, string what)
    {
        if (Differences(requested, stored) is { Count: > 0 } problems)
            throw new CollectionMismatchException(
                $"{what} '{stored.Name}' exists with other settings ({string.Join("; ", problems)}). " +
                "Use another collection name (e.g. one per model) or drop it and re-index.");
    }
}
