namespace ImageSearch.VectorStore;

/// <summary>What <see cref="IVectorStore.DescribeAsync"/> reports: the stored settings and the row count.</summary>
public sealed record CollectionInfo(CollectionSpec Spec, long Count);
