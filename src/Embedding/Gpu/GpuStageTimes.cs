namespace ImageSearch.Embedding.Gpu;

/// <summary>
/// Where the GPU decode path's time goes, summed since start: reading and checking files (CPU time over all threads),
/// staging for nvJPEG, nvJPEG decode, NPP resize, the CPU fallback (decode and resize on the CPU) and inference. Thread-safe.
/// </summary>
public sealed class GpuStageTimes
{
    private long _readTicks, _stageTicks, _decodeTicks, _resizeTicks, _fallbackTicks, _inferenceTicks;
    private long _read, _staged, _decoded, _resized, _fallback, _inferred;

    public void AddRead(TimeSpan time) => Add(ref _readTicks, ref _read, time, 1);
    public void AddStage(TimeSpan time, int images) => Add(ref _stageTicks, ref _staged, time, images);
    public void AddDecode(TimeSpan time, int images) => Add(ref _decodeTicks, ref _decoded, time, images);
    public void AddResize(TimeSpan time, int images) => Add(ref _resizeTicks, ref _resized, time, images);
    public void AddFallback(TimeSpan time) => Add(ref _fallbackTicks, ref _fallback, time, 1);
    public void AddInference(TimeSpan time, int images) => Add(ref _inferenceTicks, ref _inferred, time, images);

    /// <summary>Each stage: images through it, and total time in it.</summary>
    public IReadOnlyList<(string Stage, long Images, TimeSpan Time)> Snapshot() =>
    [
        ("read + header + strict JPEG check (CPU, all threads)", Interlocked.Read(ref _read), TimeSpan.FromTicks(Interlocked.Read(ref _readTicks))),
        ("copy to pinned memory + nvJPEG header parse (CPU, per call)", Interlocked.Read(ref _staged), TimeSpan.FromTicks(Interlocked.Read(ref _stageTicks))),
        ("decode (nvJPEG, batched)", Interlocked.Read(ref _decoded), TimeSpan.FromTicks(Interlocked.Read(ref _decodeTicks))),
        ("resize + crop (NPP)", Interlocked.Read(ref _resized), TimeSpan.FromTicks(Interlocked.Read(ref _resizeTicks))),
        ("CPU fallback decode + resize (OpenCV, all threads)", Interlocked.Read(ref _fallback), TimeSpan.FromTicks(Interlocked.Read(ref _fallbackTicks))),
        ("normalise + inference (ONNX Runtime CUDA, IO binding)", Interlocked.Read(ref _inferred), TimeSpan.FromTicks(Interlocked.Read(ref _inferenceTicks))),
    ];

    public void Reset()
    {
        Interlocked.Exchange(ref _readTicks, 0); Interlocked.Exchange(ref _read, 0);
        Interlocked.Exchange(ref _stageTicks, 0); Interlocked.Exchange(ref _staged, 0);
        Interlocked.Exchange(ref _decodeTicks, 0); Interlocked.Exchange(ref _decoded, 0);
        Interlocked.Exchange(ref _resizeTicks, 0); Interlocked.Exchange(ref _resized, 0);
        Interlocked.Exchange(ref _fallbackTicks, 0); Interlocked.Exchange(ref _fallback, 0);
        Interlocked.Exchange(ref _inferenceTicks, 0); Interlocked.Exchange(ref _inferred, 0);
    }

    private static void Add(ref long ticks, ref long images, TimeSpan time, int count)
    {
        Interlocked.Add(ref ticks, time.Ticks);
        Interlocked.Add(ref images, count);
    }
}
