using System.ComponentModel.DataAnnotations;

namespace ImageSearch.VectorStore;

/// <summary>
/// Section <c>VectorStore:Embedded:Hnsw</c>. <see cref="M"/>, <see cref="EfConstruction"/> and <see cref="Quantization"/>
/// are fixed when a collection is created (stored with it); <see cref="EfSearch"/> applies at every start.
/// </summary>
public sealed class HnswOptions
{
    // Defaults from bench/Benchmarks `store` (docs/benchmarks.md): at 1M embedding-like vectors, M=32 with an I8 graph and
    // exact re-ranking keeps recall@10 ≥ 0.95 at p50 < 2 ms on two cores, where M=16/F16 needed ef=384 (5.8 ms) for it.
    // I8 takes components in [-1, 1], which L2-normalised embeddings always are; the store refuses anything else.
    [Range(4, 128)]
    public int M { get; set; } = 32;

    [Range(8, 2048)]
    public int EfConstruction { get; set; } = 128;

    [Range(8, 4096)]
    public int EfSearch { get; set; } = 128;

    public HnswQuantization Quantization { get; set; } = HnswQuantization.I8;

    /// <summary>Graph candidates fetched per result and re-scored with exact float32 distances (1 = no re-ranking).</summary>
    [Range(1, 64)]
    public int Rerank { get; set; } = 4;
}
