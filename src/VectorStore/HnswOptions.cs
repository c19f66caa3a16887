using System.ComponentModel.DataAnnotations;

namespace ImageSearch.VectorStore;

/// <summary>
/// Section <c>VectorStore:Embedded:Hnsw</c>. <see cref="M"/>, <see cref="EfConstruction"/>, <see cref="Quantization"/>
/// and <see cref="Dimensions"/> are fixed when a collection is created (stored with it); <see cref="EfSearch"/> applies at every start.
/// </summary>
public sealed class HnswOptions
{
    // Defaults from bench/Benchmarks `store --rate 5000` (docs/benchmarks.md `store-paced`; the sweep is in
    // docs/vector-store.md): 512-d embedding-like vectors on two cores, upserts held at 5,000 rows/s. Graphs of whole
    // 512-d vectors fell 15k-88k rows behind by 200k at every M/efConstruction tried (the old default, M=32/efC=128,
    // added ~1,900 rows/s), and the exact scan of those rows made search 4-15 ms. With 128-d projections (Dimensions)
    // M=16 kept up: efConstruction=40 was busy 61 % of the time from 250k to 500k (48: 88 %) and never more than 1,000
    // rows behind; recall@10 at 500k 0.927/0.950/0.961 at ef 256/320/384 (efC=48: 0.945/0.962/0.975), p50 1.2-1.8 ms.
    // At 1M (store-paced) the builder fell behind past ~140k (203,592 rows at 1M, caught up 33 s after) and ef=384 gave
    // recall 0.945 at p50 2.82 ms (320: 0.918 at 2.16 ms; 448: 0.958 at 3.20 ms): the 2 ms / 0.95 goal is not met at 1M
    // on two cores. I8 takes components in [-1, 1], which L2-normalised embeddings always are; the store refuses anything else.
    [Range(4, 128)]
    public int M { get; set; } = 16;

    [Range(8, 2048)]
    public int EfConstruction { get; set; } = 40;

    [Range(8, 4096)]
    public int EfSearch { get; set; } = 384;

    public HnswQuantization Quantization { get; set; } = HnswQuantization.I8;

    /// <summary>
    /// Graph dimensions: the graph holds each vector projected onto the collection's principal directions (fitted on its
    /// rows when the graph is created), search re-ranks with the full vectors; 0, or at least the vectors' dimension, keeps
    /// the vectors whole. Fixed when a collection is created.
    /// </summary>
    [Range(0, 4096)]
    public int Dimensions { get; set; } = 128;

    /// <summary>Graph candidates fetched per result and re-scored with exact float32 distances (1 = no re-ranking).</summary>
    [Range(1, 64)]
    public int Rerank { get; set; } = 4;
}
