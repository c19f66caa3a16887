using ImageSearch.Embedding.Imaging;
using OpenCvSharp;

namespace ImageSearch.Embedding.Gpu;

/// <summary>
/// One call's way into nvJPEG: its own pinned host memory for the encoded files and its own header parser, so that calls
/// stage at once while the decoder itself takes one batch at a time. Not thread-safe: one call uses it at a time.
/// </summary>
internal sealed unsafe class JpegStaging(IntPtr defaultHandle, IntPtr? hardwareHandle) : IDisposable
{
    private readonly GpuMemory _encoded = new(pinnedHost: true);
    private IntPtr _parser;

    /// <summary>
    /// Copies the images into pinned memory and asks nvJPEG about each: its size, and whether the hardware backend decodes
    /// it in a batch. Returns those nvJPEG takes at all.
    /// </summary>
    public List<StagedJpeg> Stage(IReadOnlyList<(int Slot, EncodedImage Bytes)> images)
    {
        CudaRuntime.RelaxCaptureMode(); // the pinned allocation may come while the decoder captures
        var pinned = _encoded.Ensure(images.Sum(i => (long)i.Bytes.Span.Length));
        if (hardwareHandle is { } hardware && _parser == IntPtr.Zero)
        {
            NvJpeg.Check(NvJpeg.nvjpegJpegStreamCreate(hardware, out var parser), "nvjpegJpegStreamCreate");
            _parser = parser;
        }
        var staged = new List<StagedJpeg>(images.Count);
        var offset = 0L;
        var widths = stackalloc int[4];
        var heights = stackalloc int[4];
        for (var i = 0; i < images.Count; i++)
        {
            var span = images[i].Bytes.Span;
            var data = pinned + (nint)offset;
            span.CopyTo(new Span<byte>((void*)data, span.Length));
            offset += span.Length;
            var bytes = (byte*)data;
            var length = (nuint)span.Length;
            if (NvJpeg.nvjpegGetImageInfo(defaultHandle, bytes, length, out var components, out _, widths, heights) != 0 || components != 3)
                continue;
            var onHardware = hardwareHandle is { } h && NvJpeg.nvjpegJpegStreamParseHeader(h, bytes, length, _parser) == 0
                && NvJpeg.nvjpegDecodeBatchedSupported(h, _parser, out var unsupported) == 0 && unsupported == 0;
            staged.Add(new StagedJpeg(i, data, length, new Size(widths[0], heights[0]), onHardware));
        }
        return staged;
    }

    public void Dispose()
    {
        if (_parser != IntPtr.Zero)
            NvJpeg.nvjpegJpegStreamDestroy(_parser);
        _encoded.Dispose();
    }
}

/// <summary>One image on its way through nvJPEG: where its bytes and its decoded pixels are.</summary>
internal sealed record StagedJpeg(int Index, IntPtr Data, nuint Length, Size Size, bool Hardware)
{
    public IntPtr Output { get; set; }
    public bool Decoded { get; set; }
}
