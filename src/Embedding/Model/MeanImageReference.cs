namespace ImageSearch.Embedding.Model;

/// <summary>A per-pixel mean stored as an initializer in an ONNX file (shape [1, 3, height, width], model channel order).</summary>
/// <param name="Onnx">The ONNX file, relative to the descriptor.</param>
/// <param name="Initializer">The initializer's name.</param>
public sealed record MeanImageReference(string Onnx, string Initializer);
