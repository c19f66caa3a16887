namespace ImageSearch.VectorStore.Embedded;

/// <summary>Build-time HNSW parameters, stored with the collection: a snapshot built with others is not reused.</summary>
internal sealed record HnswParameters(int M, int EfConstruction, HnswQuantization Quantization);
