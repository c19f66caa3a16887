namespace ImageSearch.Embedding;

/// <summary>What produces the vectors, as a collection should record it.</summary>
/// <param name="Id">Model id plus projection, e.g. <c>resnet18</c> or <c>resnet18+rp128s42</c>: vectors are comparable only when ids match.</param>
/// <param name="Dimension">Length of every vector.</param>
/// <param name="ExecutionProvider">The provider actually running the model (after any fallback).</param>
public sealed record EmbeddingModelInfo(string Id, int Dimension, ExecutionProvider ExecutionProvider);
