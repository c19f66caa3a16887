namespace ImageSearch.VectorStore;

/// <summary>The collection exists with another dimension, metric or model: writing into it would corrupt it.</summary>
public sealed class CollectionMismatchException(string message) : Exception(message);
