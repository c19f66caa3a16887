using System.Diagnostics;
using ImageSearch.Embedding.Imaging;
using OpenCvSharp;

namespace ImageSearch.Embedding.Gpu;

/// <summary>
/// One batch at a time through nvJPEG and NPP, on a CUDA stream of its own, with its own nvJPEG decode states (nvJPEG
/// shares a library handle between threads but not a state), its own buffer of decoded images and its own NPP context.
/// <see cref="GpuJpegDecoder"/> holds several, so that one batch's host side (nvJPEG's submission, a resize launch per
/// image, the waits) overlaps another batch's work on the GPU. Not thread-safe: one call at a time.
/// </summary>
internal sealed unsafe class DecodeLane : IDisposable
{
    private readonly NvJpegLibrary? _hardware;
    private readonly NvJpegLibrary _default;
    private readonly IntPtr _hardwareState, _defaultState;
    private readonly IntPtr _stream;
    private readonly Npp.StreamContext _npp;
    private readonly GpuMemory _decoded = new(pinnedHost: false);
    private readonly ImagePreprocessor _preprocessor;
    private readonly Size _target;
    private readonly Action<string, int, int> _onFailedBatch;

    /// <param name="onFailedBatch">Told the backend's name, the batch size and nvJPEG's status when a batch fails.</param>
    public DecodeLane(NvJpegLibrary? hardware, NvJpegLibrary @default, ImagePreprocessor preprocessor, Size target,
        Action<string, int, int> onFailedBatch)
    {
        (_hardware, _default, _preprocessor, _target, _onFailedBatch) = (hardware, @default, preprocessor, target, onFailedBatch);
        CudaRuntime.Check(CudaRuntime.cudaStreamCreateWithFlags(out _stream, CudaRuntime.NonBlockingStream), "cudaStreamCreateWithFlags");
        _defaultState = @default.CreateState();
        if (hardware is not null)
            _hardwareState = hardware.CreateState();
        Npp.Check(Npp.nppGetStreamContext(out _npp), "nppGetStreamContext");
        _npp.Stream = _stream;
        _npp.StreamFlags = CudaRuntime.NonBlockingStream;
    }

    /// <summary>Decodes <paramref name="jpegs"/> and resizes each into its slot of <paramref name="pixels"/>; see <see cref="GpuJpegDecoder.Decode"/>.</summary>
    public bool[] Decode(List<StagedJpeg> jpegs, IReadOnlyList<(int Slot, EncodedImage Bytes)> images, IntPtr pixels, EmbeddingStageTimes times)
    {
        var done = new bool[images.Count];
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
        if (_hardware is not null && onHardware.Count > 0 && !DecodeBatch(_hardware, _hardwareState, onHardware))
            onDefault.AddRange(onHardware);
        else
            onHardware.ForEach(j => j.Decoded = true);
        if (onDefault.Count > 0 && DecodeBatch(_default, _defaultState, onDefault))
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

    private bool DecodeBatch(NvJpegLibrary library, IntPtr state, List<StagedJpeg> jpegs)
    {
        var pointers = jpegs.Select(j => j.Data).ToArray();
        var lengths = jpegs.Select(j => j.Length).ToArray();
        var destinations = jpegs.Select(j => new NvJpeg.Image { Channel0 = j.Output, Pitch0 = (nuint)(3 * j.Size.Width) }).ToArray();
        int status;
        fixed (IntPtr* p = pointers)
        fixed (nuint* l = lengths)
        fixed (NvJpeg.Image* d = destinations)
        {
            status = NvJpeg.nvjpegDecodeBatchedInitialize(library.Handle, state, jpegs.Count, 1, NvJpeg.OutputBgrInterleaved);
            if (status == 0)
                status = NvJpeg.nvjpegDecodeBatched(library.Handle, state, p, l, d, _stream);
            if (status == 0)
                status = CudaRuntime.cudaStreamSynchronize(_stream) == 0 ? 0 : -1;
        }
        if (status != 0)
            _onFailedBatch(library.Name, jpegs.Count, status);
        return status == 0;
    }

    public void Dispose()
    {
        if (_hardwareState != IntPtr.Zero)
            NvJpeg.nvjpegJpegStateDestroy(_hardwareState);
        NvJpeg.nvjpegJpegStateDestroy(_defaultState);
        _decoded.Dispose();
        CudaRuntime.cudaStreamDestroy(_stream);
    }
}
