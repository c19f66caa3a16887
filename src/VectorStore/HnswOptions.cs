using System.ComponentModel.DataAnnotations;

namespace ImageSearch.VectorStore;

/// <summary>
/// Section <c>VectorStore:Embedded:Hnsw</c>. <see cref="M"/>, <see cref="EfConstruction"/>, <see cref="Quantization"/>
/// and <see cref="Dimensions"/> are fixed when a collection is created (stored with it); <see cref="EfSearch"/> applies at every start.
/// </summary>
public sealed class HnswOptions
{
    // Defaults from bench/Benchmarks `store --rate 5000` (docs/benchmarks.md, sections store-paced and the sweep in
    // docs/vector-store.md), 512-d embedding-like vectors on two cores, upserts held at 5,000 rows/s: a graph of 128-d
    // projections (Dimensions) at M=16/efConstruction=48 kept up to 500k rows (never more than 1,000 rows behind; the
    // builder busy 88 % of the time from 250k to 500k), where 512-d graphs fell 65k-88k rows behind by 200k at every M/efC
    // tried that reaches recall 0.95 (M=32/efConstruction=128, the old default, ~1,900 rows/s). ef=320 then gave
    // recall@10 0.962 at p50 1.62 ms at 500k (ef=256: 0.945 at 1.85 ms; 384: 0.975 at 2.05 ms). I8 takes components in
    // [-1, 1], which L2-normalised embeddings always are; the store refuses anything else.
    [Range(4, 128)]
    public int M { get; set; } = 16;

    [Range(8, 2048)]
    public int EfConstruction { get; set; } = 48;

    [Range(8, 4096)]
    public int EfSearch { get; set; } = 320;

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
