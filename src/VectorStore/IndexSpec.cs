namespace ImageSearch.VectorStore;

/// <summary>Index kind and parameters. Defaults follow the reverse-image-search codelab: IVF_FLAT with nlist 2048.</summary>
public sealed record IndexSpec(IndexKind Kind = IndexKind.IvfFlat, int NList = 2048, int NProbe = 16, int M = 16, int EfConstruction = 200, int Ef = 64);
