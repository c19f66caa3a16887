namespace ImageSearch.Embedding;

/// <summary>
/// Where an <see cref="ImageEmbedder"/>'s time goes, summed since start. The GPU decode path: reading and checking files
/// (wall time inside each image's task), staging for nvJPEG, nvJPEG decode, NPP resize, the CPU fallback (decode and
/// resize on the CPU) and inference. The CPU path: preparing a chunk (read, decode and preprocess, in parallel) and
/// running the model on it, each as wall time per chunk. Thread-safe.
/// </summary>
public sealed class EmbeddingStageTimes
{
    private enum Stage { Read, Staging, Decode, Resize, Fallback, Inference, Preparation, HostInference }

    // In the order of Stage.
    private static readonly string[] Names =
    [
        "read + header + strict JPEG check (CPU, all threads)",
        "copy to pinned memory + nvJPEG header parse (CPU, per call)",
        "decode (nvJPEG, batched)",
        "resize + crop (NPP)",
        "CPU fallback decode + resize (OpenCV, all threads)",
        "normalise + inference (ONNX Runtime CUDA, IO binding)",
        "read + decode + preprocess (CPU path, OpenCV, per chunk)",
        "inference (CPU path: ONNX Runtime on host buffers, per chunk)",
    ];

    private readonly long[] _ticks = new long[Names.Length];
    private readonly long[] _images = new long[Names.Length];

    public void AddRead(TimeSpan time) => Add(Stage.Read, time, 1);
    public void AddStage(TimeSpan time, int images) => Add(Stage.Staging, time, images);
    public void AddDecode(TimeSpan time, int images) => Add(Stage.Decode, time, images);
    public void AddResize(TimeSpan time, int images) => Add(Stage.Resize, time, images);
    public void AddFallback(TimeSpan time) => Add(Stage.Fallback, time, 1);
    public void AddInference(TimeSpan time, int images) => Add(Stage.Inference, time, images);
    public void AddPreparation(TimeSpan time, int images) => Add(Stage.Preparation, time, images);
    public void AddHostInference(TimeSpan time, int images) => Add(Stage.HostInference, time, images);

    /// <summary>Each stage: images through it, and total time in it.</summary>
    public IReadOnlyList<(string Stage, long Images, TimeSpan Time)> Snapshot() =>
        Names.Select((name, i) => (name, Interlocked.Read(ref _images[i]), TimeSpan.FromTicks(Interlocked.Read(ref _ticks[i])))).ToList();

    public void Reset()
    {
        for (var i = 0; i < Names.Length; i++)
        {
            Interlocked.Exchange(ref _ticks[i], 0);
            Interlocked.Exchange(ref _images[i], 0);
        }
    }

    private void Add(Stage stage, TimeSpan time, int images)
    {
        Interlocked.Add(ref _ticks[(int)stage], time.Ticks);
        Interlocked.Add(ref _images[(int)stage], images);
    }
}
