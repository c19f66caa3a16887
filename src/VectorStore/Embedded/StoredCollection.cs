namespace ImageSearch.VectorStore.Embedded;

/// <summary>A collection's metadata row in SQLite. <paramref name="LastSequence"/> grows with every upsert or delete.</summary>
/// <param name="Incarnation">Random at creation: a follower tells a collection dropped and created again under the same name.</param>
/// <param name="DeletionsKeptAfter">Deletions up to this sequence were forgotten once a graph snapshot held them.</param>
internal sealed record StoredCollection(
    string Name, int Dimension, DistanceMetric Metric, string Model, HnswParameters Hnsw, long LastSequence,
    long Incarnation, long DeletionsKeptAfter)
{
    public CollectionSpec ToSpec(int efSearch) =>
        new(Name, Dimension, Model, Metric, new IndexSpec(IndexKind.Hnsw, M: Hnsw.M, EfConstruction: Hnsw.EfConstruction, Ef: efSearch));
}
