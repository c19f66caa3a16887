namespace ImageSearch.Embedding;

/// <summary>
/// Where an <see cref="ImageEmbedder"/>'s time goes, summed since start. The GPU decode path: reading and checking files
/// (wall time inside each image's task), staging for nvJPEG, nvJPEG decode, NPP resize, the CPU fallback (decode and
/// resize on the CPU) and inference. The CPU path: preparing a chunk (read, decode and preprocess, in parallel) and
/// running the model on it, each as wall time per chunk. Thread-safe.
/// </summary>
public sealed class EmbeddingStageTimes
{
    private long _readTicks, _stageTicks, _decodeTicks, _resizeTicks, _fallbackTicks, _inferenceTicks, _prepareTicks, _hostInferenceTicks;
    private long _read, _staged, _decoded, _resized, _fallback, _inferred, _prepared, _hostInferred;

    public void AddRead(TimeSpan time) => Add(ref _readTicks, ref _read, time, 1);
    public void AddStage(TimeSpan time, int images) => Add(ref _stageTicks, ref _staged, time, images);
    public void AddDecode(TimeSpan time, int images) => Add(ref _decodeTicks, ref _decoded, time, images);
    public void AddResize(TimeSpan time, int images) => Add(ref _resizeTicks, ref _resized, time, images);
    public void AddFallback(TimeSpan time) => Add(ref _fallbackTicks, ref _fallback, time, 1);
    public void AddInference(TimeSpan time, int images) => Add(ref _inferenceTicks, ref _inferred, time, images);
    public void AddPreparation(TimeSpan time, int images) => Add(ref _prepareTicks, ref _prepared, time, images);
    public void AddHostInference(TimeSpan time, int images) => Add(ref _hostInferenceTicks, ref _hostInferred, time, images);

    /// <summary>Each stage: images through it, and total time in it.</summary>
    public IReadOnlyList<(string Stage, long Images, TimeSpan Time)> Snapshot() =>
    [
        ("read + header + strict JPEG check (CPU, all threads)", Interlocked.Read(ref _read), TimeSpan.FromTicks(Interlocked.Read(ref _readTicks))),
        ("copy to pinned memory + nvJPEG header parse (CPU, per call)", Interlocked.Read(ref _staged), TimeSpan.FromTicks(Interlocked.Read(ref _stageTicks))),
        ("decode (nvJPEG, batched)", Interlocked.Read(ref _decoded), TimeSpan.FromTicks(Interlocked.Read(ref _decodeTicks))),
        ("resize + crop (NPP)", Interlocked.Read(ref _resized), TimeSpan.FromTicks(Interlocked.Read(ref _resizeTicks))),
        ("CPU fallback decode + resize (OpenCV, all threads)", Interlocked.Read(ref _fallback), TimeSpan.FromTicks(Interlocked.Read(ref _fallbackTicks))),
        ("normalise + inference (ONNX Runtime CUDA, IO binding)", Interlocked.Read(ref _inferred), TimeSpan.FromTicks(Interlocked.Read(ref _inferenceTicks))),
        ("read + decode + preprocess (CPU path, OpenCV, per chunk)", Interlocked.Read(ref _prepared), TimeSpan.FromTicks(Interlocked.Read(ref _prepareTicks))),
        ("inference (CPU path: ONNX Runtime on host buffers, per chunk)", Interlocked.Read(ref _hostInferred), TimeSpan.FromTicks(Interlocked.Read(ref _hostInferenceTicks))),
    ];

    public void Reset()
    {
        Interlocked.Exchange(ref _readTicks, 0); Interlocked.Exchange(ref _read, 0);
        Interlocked.Exchange(ref _stageTicks, 0); Interlocked.Exchange(ref _staged, 0);
        Interlocked.Exchange(ref _decodeTicks, 0); Interlocked.Exchange(ref _decoded, 0);
        Interlocked.Exchange(ref _resizeTicks, 0); Interlocked.Exchange(ref _resized, 0);
        Interlocked.Exchange(ref _fallbackTicks, 0); Interlocked.Exchange(ref _fallback, 0);
        Interlocked.Exchange(ref _inferenceTicks, 0); Interlocked.Exchange(ref _inferred, 0);
        Interlocked.Exchange(ref _prepareTicks, 0); Interlocked.Exchange(ref _prepared, 0);
        Interlocked.Exchange(ref _hostInferenceTicks, 0); Interlocked.Exchange(ref _hostInferred, 0);
    }

    private static void Add(ref long ticks, ref long images, TimeSpan time, int count)
    {
        Interlocked.Add(ref ticks, time.Ticks);
        Interlocked.Add(ref images, count);
    }
}
