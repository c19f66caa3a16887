namespace ImageSearch.VectorStore;

/// <summary>What a collection holds. Dimension, metric and model are checked against an existing collection.</summary>
/// <param name="Model">Id of the model and projection that produce its vectors (e.g. "resnet18-v1" or "resnet18-v1+rp128s42").</param>
public sealed record CollectionSpec(string Name, int Dimension, string Model, DistanceMetric Metric = DistanceMetric.L2, IndexSpec? Index = null);
