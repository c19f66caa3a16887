using System.Diagnostics;
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
    private readonly IntPtr _handle, _state, _jpegStream, _stream;
    private readonly Npp.StreamContext _npp;
    private readonly ImagePreprocessor _preprocessor;
    private readonly Size _target;
    private readonly GpuMemory _encoded = new(pinnedHost: true), _decoded = new(pinnedHost: false);
    private readonly Lock _gate = new();

    public GpuJpegDecoder(int deviceId, ImagePreprocessor preprocessor, Size target, ILogger logger)
    {
        (_preprocessor, _target) = (preprocessor, target);
        CudaRuntime.Check(CudaRuntime.cudaSetDevice(deviceId), "cudaSetDevice");
        CudaRuntime.Check(CudaRuntime.cudaStreamCreateWithFlags(out _stream, CudaRuntime.NonBlockingStream), "cudaStreamCreateWithFlags");
        Hardware = NvJpeg.nvjpegCreateEx(NvJpeg.BackendHardware, IntPtr.Zero, IntPtr.Zero, 0, out _handle) == 0;
        if (!Hardware)
            NvJpeg.Check(NvJpeg.nvjpegCreateEx(NvJpeg.BackendDefault, IntPtr.Zero, IntPtr.Zero, 0, out _handle), "nvjpegCreateEx");
        NvJpeg.Check(NvJpeg.nvjpegJpegStateCreate(_handle, out _state), "nvjpegJpegStateCreate");
        NvJpeg.Check(NvJpeg.nvjpegJpegStreamCreate(_handle, out _jpegStream), "nvjpegJpegStreamCreate");
        Npp.Check(Npp.nppGetStreamContext(out _npp), "nppGetStreamContext");
        _npp.Stream = _stream;
        _npp.StreamFlags = CudaRuntime.NonBlockingStream;
        var engines = Hardware && NvJpeg.nvjpegGetHardwareDecoderInfo(_handle, out var e, out _) == 0 ? e : 0;
        logger.LogInformation("GPU decode path: nvJPEG {Backend} backend ({Engines} hardware engines), NPP resize on device {DeviceId}",
            Hardware ? "hardware" : "default", engines, deviceId);
    }

    /// <summary>Whether nvJPEG runs on the GPU's hardware JPEG decoder (A100, H100, H200) rather than its CUDA cores.</summary>
    public bool Hardware { get; }

    /// <summary>
    /// Decodes <paramref name="images"/> and resizes each into slot <c>Slot</c> of <paramref name="pixels"/>. Returns, per
    /// image, whether it is there; the others (not supported by the backend, or rejected by nvJPEG) go to the CPU path.
    /// </summary>
    public bool[] Decode(IReadOnlyList<(int Slot, EncodedImage Bytes)> images, IntPtr pixels, GpuStageTimes times)
    {
        var done = new bool[images.Count];
        if (images.Count == 0)
            return done;
        lock (_gate)
        {
            var clock = Stopwatch.StartNew();
            var taken = Stage(images, out var data, out var lengths, out var sizes);
            if (taken.Count == 0)
                return done;
            var destinations = new NvJpeg.Image[taken.Count];
            var decoded = _decoded.Ensure(taken.Sum(i => 3L * sizes[i].Width * sizes[i].Height));
            var offset = 0L;
            for (var k = 0; k < taken.Count; k++)
            {
                var size = sizes[taken[k]];
                destinations[k] = new NvJpeg.Image { Channel0 = decoded + (nint)offset, Pitch0 = (nuint)(3 * size.Width) };
                offset += 3L * size.Width * size.Height;
            }
            var pointers = taken.Select(i => data[i]).ToArray();
            var byteCounts = taken.Select(i => lengths[i]).ToArray();
            fixed (IntPtr* p = pointers)
            fixed (nuint* l = byteCounts)
            fixed (NvJpeg.Image* d = destinations)
            {
                if (NvJpeg.nvjpegDecodeBatchedInitialize(_handle, _state, taken.Count, 1, NvJpeg.OutputBgrInterleaved) != 0
                    || NvJpeg.nvjpegDecodeBatched(_handle, _state, p, l, d, _stream) != 0
                    || CudaRuntime.cudaStreamSynchronize(_stream) != 0)
                    return done; // the whole batch takes the CPU path, where each image is judged on its own
            }
            times.AddDecode(clock.Elapsed, taken.Count);

            clock.Restart();
            var slotBytes = 3 * _target.Width * _target.Height;
            for (var k = 0; k < taken.Count; k++)
            {
                var (slot, _) = images[taken[k]];
                var size = sizes[taken[k]];
                var region = _preprocessor.SourceRegion(size);
                var interpolation = region.Width > _target.Width && region.Height > _target.Height ? Npp.Super : Npp.Linear;
                done[taken[k]] = Npp.nppiResize_8u_C3R_Ctx(destinations[k].Channel0, 3 * size.Width, new Npp.Size(size.Width, size.Height),
                    new Npp.Rect(region.X, region.Y, region.Width, region.Height), pixels + slot * slotBytes, 3 * _target.Width,
                    new Npp.Size(_target.Width, _target.Height), new Npp.Rect(0, 0, _target.Width, _target.Height), interpolation, _npp) >= 0;
            }
            CudaRuntime.Check(CudaRuntime.cudaStreamSynchronize(_stream), "cudaStreamSynchronize after resize");
            times.AddResize(clock.Elapsed, taken.Count);
        }
        return done;
    }

    /// <summary>
    /// Copies the images into pinned memory and asks nvJPEG about each: its size, and whether this backend decodes it in a
    /// batch. Returns the indexes of those it takes.
    /// </summary>
    private List<int> Stage(IReadOnlyList<(int Slot, EncodedImage Bytes)> images, out IntPtr[] data, out nuint[] lengths, out Size[] sizes)
    {
        var count = images.Count;
        (data, lengths, sizes) = (new IntPtr[count], new nuint[count], new Size[count]);
        var pinned = _encoded.Ensure(images.Sum(i => (long)i.Bytes.Span.Length));
        var taken = new List<int>(count);
        var offset = 0L;
        var widths = stackalloc int[4];
        var heights = stackalloc int[4];
        for (var i = 0; i < count; i++)
        {
            var span = images[i].Bytes.Span;
            data[i] = pinned + (nint)offset;
            lengths[i] = (nuint)span.Length;
            span.CopyTo(new Span<byte>((void*)data[i], span.Length));
            offset += span.Length;
            var bytes = (byte*)data[i];
            if (NvJpeg.nvjpegGetImageInfo(_handle, bytes, lengths[i], out var components, out _, widths, heights) != 0 || components != 3)
                continue;
            if (Hardware && (NvJpeg.nvjpegJpegStreamParseHeader(_handle, bytes, lengths[i], _jpegStream) != 0
                || NvJpeg.nvjpegDecodeBatchedSupported(_handle, _jpegStream, out var unsupported) != 0 || unsupported != 0))
                continue;
            sizes[i] = new Size(widths[0], heights[0]);
            taken.Add(i);
        }
        return taken;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            NvJpeg.nvjpegJpegStreamDestroy(_jpegStream);
            NvJpeg.nvjpegJpegStateDestroy(_state);
            NvJpeg.nvjpegDestroy(_handle);
            _encoded.Dispose();
            _decoded.Dispose();
            CudaRuntime.cudaStreamDestroy(_stream);
        }
    }
}
