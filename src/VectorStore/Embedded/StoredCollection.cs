namespace ImageSearch.VectorStore.Embedded;

/// <summary>A collection's metadata row in SQLite. <paramref name="LastSequence"/> grows with every upsert or delete.</summary>
internal sealed record StoredCollection(
    string Name, int Dimension, DistanceMetric Metric, string Model, HnswParameters Hnsw, long LastSequence)
{
    /// <summary>Throws <see cref="CollectionMismatchException"/> when <paramref name="spec"/> disagrees with what is stored.</summary>
    public void CheckMatches(CollectionSpec spec)
    {
        List<string> problems = [];
        if (spec.Dimension != Dimension)
            problems.Add($"dimension {spec.Dimension} ≠ stored {Dimension}");
        if (spec.Metric != Metric)
            problems.Add($"metric {spec.Metric} ≠ stored {Metric}");
        if (!string.Equals(spec.Model, Model, StringComparison.Ordinal))
            problems.Add($"model '{spec.Model}' ≠ stored '{Model}'");
        if (problems.Count > 0)
            throw new CollectionMismatchException(
                $"Collection '{Name}' exists with other settings ({string.Join("; ", problems)}). " +
                "Use another collection name (e.g. one per model) or drop it and re-index.");
    }
}
