using System.ComponentModel.DataAnnotations;

namespace ImageSearch.VectorStore;

/// <summary>
/// Section <c>VectorStore:Embedded:Hnsw</c>. <see cref="M"/>, <see cref="EfConstruction"/> and <see cref="Quantization"/>
/// are fixed when a collection is created (stored with it); <see cref="EfSearch"/> applies at every start.
/// </summary>
public sealed class HnswOptions
{
    // Defaults from bench/Benchmarks `store` (docs/benchmarks.md): the smallest graph and ef that keep recall@10 near
    // 0.95 on embedding-like data while inserts stay affordable on two cores.
    [Range(4, 128)]
    public int M { get; set; } = 16;

    [Range(8, 2048)]
    public int EfConstruction { get; set; } = 128;

    [Range(8, 4096)]
    public int EfSearch { get; set; } = 128;

    public HnswQuantization Quantization { get; set; } = HnswQuantization.F16;

    /// <summary>Graph candidates fetched per result and re-scored with exact float32 distances (1 = no re-ranking).</summary>
    [Range(1, 64)]
    public int Rerank { get; set; } = 4;
}
