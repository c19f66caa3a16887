using System.ComponentModel.DataAnnotations;

namespace ImageSearch.VectorStore;

/// <summary>
/// Section <c>VectorStore:Embedded:Hnsw</c>. <see cref="M"/>, <see cref="EfConstruction"/>, <see cref="Quantization"/>
/// and <see cref="Dimensions"/> are fixed when a collection is created (stored with it); <see cref="EfSearch"/> applies at every start.
/// </summary>
public sealed class HnswOptions
{
    // Defaults: a graph of whole vectors, M=32, efConstruction=128, ef=128 (bench/Benchmarks `store`, docs/benchmarks.md):
    // at 1M embedding-like vectors, recall@10 ≥ 0.95 at p50 < 2 ms once built, and not far off on random vectors; but it
    // builds at only ~820-1,900 rows/s on two cores. The sustained-ingest profile, Dimensions=128 with M=16,
    // efConstruction=40, ef=384, builds 2.6-6× faster (store-paced: kept up with 5,000 rows/s to ~140k, 203,592 rows
    // behind at 1M, recall@10 0.945 at p50 2.8 ms once caught up); it is not the default because it searches worse once
    // built (random vectors: recall@10 0.127 at ef=320, where the projection is refused and M=16/efC=40 stays) and its
    // gain depends on the data (ProjectionCheck). I8 takes components in [-1, 1], which L2-normalised embeddings always
    // are; the store refuses anything else.
    [Range(4, 128)]
    public int M { get; set; } = 32;

    [Range(8, 2048)]
    public int EfConstruction { get; set; } = 128;

    [Range(8, 4096)]
    public int EfSearch { get; set; } = 128;

    public HnswQuantization Quantization { get; set; } = HnswQuantization.I8;

    /// <summary>
    /// Graph dimensions: the graph holds each vector projected onto the collection's principal directions (fitted on its
    /// rows when the graph is created), search re-ranks with the full vectors; 0 (the default), or at least the vectors'
    /// dimension, keeps the vectors whole, and so does a projection that would not keep the rows' nearest neighbours
    /// (<see cref="Embedded.ProjectionCheck"/>). Fixed when a collection is created.
    /// </summary>
    [Range(0, 4096)]
    public int Dimensions { get; set; }

    /// <summary>Graph candidates fetched per result and re-scored with exact float32 distances (1 = no re-ranking).</summary>
    [Range(1, 64)]
    public int Rerank { get; set; } = 4;
}
