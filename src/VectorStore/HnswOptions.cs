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
    // builds at only ~820-1,900 rows/s on two cores. The sustained-ingest profile, Dimensions=64 with M=16,
    // efConstruction=40, ef=448, added ~7,300 rows per busy second from 500k to 1M beside the ingest (store-paced, quiet
    // machine: kept up with 5,000 rows/s to 1M, recall@10 0.959 at p50 2.06 ms while ingesting): USearch's add is bound
    // by cache misses and a 64-d int8 node is one cache line (store-graph). With ShardRows=524288 and ef=320 the builder
    // was 34-49 % busy at 1M instead of 68-98 %, at recall@10 0.963-0.976 (store-paced-shards*). It is not the default
    // because its gain depends on the data: random vectors get no projection (ProjectionCheck), where M=16/efC=40 on
    // whole vectors finds 13 % of their neighbours at ef=320, and real embeddings may need more directions than the
    // synthetic ones (on the 1,100 shared photos' ResNet18 vectors ProjectionCheck gives 0.991 at 64 directions, 0.974
    // at 48, and refuses 32; a million photos sit closer together). I8 takes components in [-1, 1], which L2-normalised embeddings always are;
    // the store refuses anything else.
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

    /// <summary>
    /// The most rows one HNSW graph holds (0, the default: no limit, one graph): past it the builder starts another
    /// graph, and a search asks every graph at once (<see cref="Embedded.ShardedGraph"/>). Applies at every start: graphs
    /// restored from a snapshot stay as they are.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int ShardRows { get; set; }
}
