namespace ImageSearch.VectorStore;

public sealed record VectorRecord(long Id, float[] Vector, string Path, string? Label);
