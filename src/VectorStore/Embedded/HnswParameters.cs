namespace ImageSearch.VectorStore.Embedded;

/// <summary>Build-time HNSW parameters, stored with the collection: a snapshot built with others is not reused.</summary>
/// <param name="Dimensions">Graph dimensions when the graph holds projected vectors (<see cref="GraphProjection"/>); 0: the vectors as they are.</param>
internal sealed record HnswParameters(int M, int EfConstruction, HnswQuantization Quantization, int Dimensions = 0);
