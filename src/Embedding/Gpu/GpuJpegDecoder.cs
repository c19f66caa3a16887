using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace ImageSearch.Embedding.Gpu;

/// <summary>
/// Batched JPEG decoding with nvJPEG (on the GPU's hardware JPEG engines where it has them, else nvJPEG's default backend)
/// into interleaved BGR in GPU memory, then NPP's resize of each image's model region (the preprocessor's centre crop)
/// straight into its slot of a uint8 [N, height, width, 3] batch in GPU memory. As many batches at a time as it has
/// <see cref="DecodeLane"/>s; thread-safe.
/// </summary>
internal sealed class GpuJpegDecoder : IDisposable
{
    private readonly NvJpegLibrary? _hardware;
    private readonly NvJpegLibrary _default;
    private readonly ConcurrentBag<JpegStaging> _staging = [];
    private readonly BlockingCollection<DecodeLane> _freeLanes = [];
    private readonly int _laneCount;
    private readonly ILogger _logger;
    private int _failedBatches;

    public GpuJpegDecoder(int deviceId, int lanes, ImagePreprocessor preprocessor, Size target, ILogger logger)
    {
        _logger = logger;
        CudaRuntime.Check(CudaRuntime.cudaSetDevice(deviceId), "cudaSetDevice");
        _default = new NvJpegLibrary(NvJpeg.BackendDefault);
        try
        {
            _hardware = new NvJpegLibrary(NvJpeg.BackendHardware);
        }
        catch (CudaException e)
        {
            logger.LogInformation("nvJPEG has no hardware backend here ({Message}); decoding on the GPU's CUDA cores", e.Message);
        }
        _laneCount = lanes;
        for (var i = 0; i < lanes; i++)
            _freeLanes.Add(new DecodeLane(_hardware, _default, preprocessor, target, OnFailedBatch));
        logger.LogInformation("GPU decode path: nvJPEG {Backend} backend ({Engines} hardware engines), NPP resize on device {DeviceId}, {Lanes} batches at a time",
            _hardware is null ? "default" : "hardware", _hardware?.Engines ?? 0, deviceId, lanes);
    }

    /// <summary>Whether nvJPEG runs on the GPU's hardware JPEG decoder (A100, H100, H200) rather than its CUDA cores.</summary>
    public bool Hardware => _hardware is not null;

    /// <summary>
    /// Decodes <paramref name="images"/> and resizes each into slot <c>Slot</c> of <paramref name="pixels"/>. Returns, per
    /// image, whether it is there; the others (not supported, or rejected by nvJPEG) go to the CPU path. The hardware
    /// backend takes what it supports; the default backend the rest, and any batch the hardware backend failed.
    /// </summary>
    public bool[] Decode(IReadOnlyList<(int Slot, EncodedImage Bytes)> images, IntPtr pixels, EmbeddingStageTimes times)
    {
        if (images.Count == 0)
            return [];
        // Staging is CPU work on memory of this call's own: calls stage at once, and only the GPU part waits for a lane.
        if (!_staging.TryTake(out var staging))
            staging = new JpegStaging(_default.Handle, _hardware?.Handle);
        try
        {
            var clock = Stopwatch.StartNew();
            var jpegs = staging.Stage(images);
            times.AddStage(clock.Elapsed, images.Count);
            var lane = _freeLanes.Take();
            try
            {
                return lane.Decode(jpegs, images, pixels, times);
            }
            finally
            {
                _freeLanes.Add(lane);
            }
        }
        finally
        {
            _staging.Add(staging);
        }
    }

    private void OnFailedBatch(string backend, int count, int status)
    {
        var failures = Interlocked.Increment(ref _failedBatches);
        if (BitOperations.IsPow2(failures))
            _logger.LogWarning("nvJPEG {Backend} backend failed a batch of {Count} (status {Status}; {Failures} failed batches so far); its images take another way",
                backend, count, status, failures);
    }

    public void Dispose()
    {
        CudaRuntime.RelaxCaptureMode();
        for (var i = 0; i < _laneCount; i++) // each lane once it is back: no batch is in flight
            _freeLanes.Take().Dispose();
        while (_staging.TryTake(out var staging)) // their parsers belong to the handles below
            staging.Dispose();
        _freeLanes.Dispose();
        _hardware?.Dispose();
        _default.Dispose();
    }
}

/// <summary>An nvJPEG library handle of one backend, shared by every thread; each decode state belongs to one lane.</summary>
internal sealed class NvJpegLibrary : IDisposable
{
    public NvJpegLibrary(int backend)
    {
        Name = backend == NvJpeg.BackendHardware ? "hardware" : "default";
        NvJpeg.Check(NvJpeg.nvjpegCreateEx(backend, IntPtr.Zero, IntPtr.Zero, 0, out var handle), $"nvjpegCreateEx({Name})");
        Handle = handle;
        if (backend == NvJpeg.BackendHardware && NvJpeg.nvjpegGetHardwareDecoderInfo(Handle, out var engines, out _) == 0)
            Engines = engines;
    }

    public string Name { get; }
    public IntPtr Handle { get; }
    public uint Engines { get; }

    public IntPtr CreateState()
    {
        NvJpeg.Check(NvJpeg.nvjpegJpegStateCreate(Handle, out var state), $"nvjpegJpegStateCreate({Name})");
        return state;
    }

    public void Dispose() => NvJpeg.nvjpegDestroy(Handle);
}
