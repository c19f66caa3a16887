namespace ImageSearch.VectorStore.Embedded;

/// <summary>A collection's metadata row in SQLite. <paramref name="LastSequence"/> grows with every upsert or delete.</summary>
internal sealed record StoredCollection(
    string Name, int Dimension, DistanceMetric Metric, string Model, HnswParameters Hnsw, long LastSequence)
{
    public CollectionSpec ToSpec(int efSearch) =>
        new(Name, Dimension, Model, Metric, new IndexSpec(IndexKind.Hnsw, M: Hnsw.M, EfConstruction: Hnsw.EfConstruction, Ef: efSearch));
}
