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
/// straight into its slot of a uint8 [N, height, width, 3] batch in GPU memory. One batch at a time; thread-safe.
/// </summary>
internal sealed unsafe class GpuJpegDecoder : IDisposable
{
    private readonly NvJpegBackend? _hardware;
    private readonly NvJpegBackend _default;
    private readonly IntPtr _stream;
    private readonly Npp.StreamContext _npp;
    private readonly ImagePreprocessor _preprocessor;
    private readonly Size _target;
    private readonly GpuMemory _decoded = new(pinnedHost: false);
    private readonly ConcurrentBag<JpegStaging> _staging = [];
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private int _failedBatches;

    public GpuJpegDecoder(int deviceId, ImagePreprocessor preprocessor, Size target, ILogger logger)
    {
        (_preprocessor, _target, _logger) = (preprocessor, target, logger);
        CudaRuntime.Check(CudaRuntime.cudaSetDevice(deviceId), "cudaSetDevice");
        CudaRuntime.Check(CudaRuntime.cudaStreamCreateWithFlags(out _stream, CudaRuntime.NonBlockingStream), "cudaStreamCreateWithFlags");
        _default = new NvJpegBackend(NvJpeg.BackendDefault);
        try
        {
            _hardware = new NvJpegBackend(NvJpeg.BackendHardware);
        }
        catch (CudaException e)
        {
            logger.LogInformation("nvJPEG has no hardware backend here ({Message}); decoding on the GPU's CUDA cores", e.Message);
        }
        Npp.Check(Npp.nppGetStreamContext(out _npp), "nppGetStreamContext");
        _npp.Stream = _stream;
        _npp.StreamFlags = CudaRuntime.NonBlockingStream;
        logger.LogInformation("GPU decode path: nvJPEG {Backend} backend ({Engines} hardware engines), NPP resize on device {DeviceId}",
            _hardware is null ? "default" : "hardware", _hardware?.Engines ?? 0, deviceId);
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
        var done = new bool[images.Count];
        if (images.Count == 0)
            return done;
        // Staging is CPU work on memory of this call's own: calls stage at once, and only the GPU part takes turns.
        if (!_staging.TryTake(out var staging))
            staging = new JpegStaging(_default.Handle, _hardware?.Handle);
        try
        {
            var clock = Stopwatch.StartNew();
            var jpegs = staging.Stage(images);
            times.AddStage(clock.Elapsed, images.Count);
            lock (_gate)
                return DecodeAlone(jpegs, images, pixels, times, done);
        }
        finally
        {
            _staging.Add(staging);
        }
    }

    private bool[] DecodeAlone(List<StagedJpeg> jpegs, IReadOnlyList<(int Slot, EncodedImage Bytes)> images, IntPtr pixels, EmbeddingStageTimes times, bool[] done)
    {
        var clock = Stopwatch.StartNew();
        var decoded = _decoded.Ensure(jpegs.Sum(j => 3L * j.Size.Width * j.Size.Height));
        var offset = 0L;
        foreach (var jpeg in jpegs)
        {
            jpeg.Output = decoded + (nint)offset;
            offset += 3L * jpeg.Size.Width * jpeg.Size.Height;
        }
        var onHardware = jpegs.Where(j => j.Hardware).ToList();
        var onDefault = jpegs.Where(j => !j.Hardware).ToList();
        if (_hardware is not null && onHardware.Count > 0 && !DecodeBatch(_hardware, onHardware))
            onDefault.AddRange(onHardware);
        else
            onHardware.ForEach(j => j.Decoded = true);
        if (onDefault.Count > 0 && DecodeBatch(_default, onDefault))
            onDefault.ForEach(j => j.Decoded = true);
        var ready = jpegs.Where(j => j.Decoded).ToList();
        times.AddDecode(clock.Elapsed, ready.Count);

        clock.Restart();
        var slotBytes = 3 * _target.Width * _target.Height;
        foreach (var jpeg in ready)
        {
            var region = _preprocessor.SourceRegion(jpeg.Size);
            var interpolation = region.Width > _target.Width && region.Height > _target.Height ? Npp.Super : Npp.Linear;
            done[jpeg.Index] = Npp.nppiResize_8u_C3R_Ctx(jpeg.Output, 3 * jpeg.Size.Width, new Npp.Size(jpeg.Size.Width, jpeg.Size.Height),
                new Npp.Rect(region.X, region.Y, region.Width, region.Height), pixels + images[jpeg.Index].Slot * slotBytes, 3 * _target.Width,
                new Npp.Size(_target.Width, _target.Height), new Npp.Rect(0, 0, _target.Width, _target.Height), interpolation, _npp) >= 0;
        }
        CudaRuntime.Check(CudaRuntime.cudaStreamSynchronize(_stream), "cudaStreamSynchronize after resize");
        times.AddResize(clock.Elapsed, ready.Count);
        return done;
    }

    private bool DecodeBatch(NvJpegBackend backend, List<StagedJpeg> jpegs)
    {
        var pointers = jpegs.Select(j => j.Data).ToArray();
        var lengths = jpegs.Select(j => j.Length).ToArray();
        var destinations = jpegs.Select(j => new NvJpeg.Image { Channel0 = j.Output, Pitch0 = (nuint)(3 * j.Size.Width) }).ToArray();
        int status;
        fixed (IntPtr* p = pointers)
        fixed (nuint* l = lengths)
        fixed (NvJpeg.Image* d = destinations)
        {
            status = NvJpeg.nvjpegDecodeBatchedInitialize(backend.Handle, backend.State, jpegs.Count, 1, NvJpeg.OutputBgrInterleaved);
            if (status == 0)
                status = NvJpeg.nvjpegDecodeBatched(backend.Handle, backend.State, p, l, d, _stream);
            if (status == 0)
                status = CudaRuntime.cudaStreamSynchronize(_stream) == 0 ? 0 : -1;
        }
        if (status != 0 && BitOperations.IsPow2(++_failedBatches))
            _logger.LogWarning("nvJPEG {Backend} backend failed a batch of {Count} (status {Status}; {Failures} failed batches so far); its images take another way",
                backend.Name, jpegs.Count, status, _failedBatches);
        return status == 0;
    }

    /// <summary>An nvJPEG library handle with its decode state.</summary>
    private sealed class NvJpegBackend : IDisposable
    {
        public NvJpegBackend(int backend)
        {
            Name = backend == NvJpeg.BackendHardware ? "hardware" : "default";
            NvJpeg.Check(NvJpeg.nvjpegCreateEx(backend, IntPtr.Zero, IntPtr.Zero, 0, out var handle), $"nvjpegCreateEx({Name})");
            Handle = handle;
            NvJpeg.Check(NvJpeg.nvjpegJpegStateCreate(Handle, out var state), "nvjpegJpegStateCreate");
            State = state;
            if (backend == NvJpeg.BackendHardware && NvJpeg.nvjpegGetHardwareDecoderInfo(Handle, out var engines, out _) == 0)
                Engines = engines;
        }

        public string Name { get; }
        public IntPtr Handle { get; }
        public IntPtr State { get; }
        public uint Engines { get; }

        public void Dispose()
        {
            NvJpeg.nvjpegJpegStateDestroy(State);
            NvJpeg.nvjpegDestroy(Handle);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            CudaRuntime.RelaxCaptureMode();
            while (_staging.TryTake(out var staging)) // their parsers belong to the handles below
                staging.Dispose();
            _hardware?.Dispose();
            _default.Dispose();
            _decoded.Dispose();
            CudaRuntime.cudaStreamDestroy(_stream);
        }
    }
}
