using System.ComponentModel.DataAnnotations;

namespace ImageSearch.VectorStore;

/// <summary>
/// Section <c>VectorStore:Embedded:Hnsw</c>. <see cref="M"/>, <see cref="EfConstruction"/> and <see cref="Quantization"/>
/// are fixed when a collection is created (stored with it); <see cref="EfSearch"/> applies at every start.
/// </summary>
public sealed class HnswOptions
{
    [Range(4, 128)]
    public int M { get; set; } = 32;

    [Range(8, 2048)]
    public int EfConstruction { get; set; } = 200;

    [Range(8, 4096)]
    public int EfSearch { get; set; } = 256;

    public HnswQuantization Quantization { get; set; } = HnswQuantization.F16;
}
