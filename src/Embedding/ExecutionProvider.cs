namespace ImageSearch.Embedding;

/// <summary>Where ONNX Runtime runs the model.</summary>
public enum ExecutionProvider
{
    Cpu,
    /// <summary>NVIDIA GPU; needs a build with <c>-p:OnnxRuntimeFlavor=Gpu</c>. Falls back to CPU, with a warning, when CUDA cannot load.</summary>
    Cuda,
}
