namespace ImageSearch.Embedding;

/// <summary>Where JPEGs are decoded and resized (<c>Embedding:Decoder</c>).</summary>
public enum DecoderKind
{
    /// <summary>OpenCV on the CPU cores, for every image.</summary>
    Cpu,
    /// <summary>
    /// nvJPEG and NPP on the GPU for the JPEGs they can take, OpenCV for the rest; the model reads the decoded batch straight
    /// from GPU memory. Needs <see cref="ExecutionProvider.Cuda"/>; the embedder fails to start if the GPU path cannot load.
    /// </summary>
    Gpu,
    /// <summary>The GPU path when the model runs on the CUDA provider and nvJPEG loads; otherwise the CPU.</summary>
    Auto,
}
