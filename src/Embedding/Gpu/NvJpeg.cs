using System.Runtime.InteropServices;

namespace ImageSearch.Embedding.Gpu;

/// <summary>nvJPEG's C API (CUDA 13's libnvjpeg.so.13), as much of it as batched decoding needs.</summary>
internal static unsafe class NvJpeg
{
    private const string Library = "libnvjpeg.so.13";
    public const int BackendDefault = 0, BackendHardware = 3;
    public const int OutputBgrInterleaved = 6;
    private const int AllocatorFailure = 5;

    /// <summary>nvjpegImage_t: one pointer and pitch per plane; interleaved output uses plane 0 only.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Image
    {
        public IntPtr Channel0, Channel1, Channel2, Channel3;
        public nuint Pitch0, Pitch1, Pitch2, Pitch3;
    }

    [DllImport(Library)] public static extern int nvjpegCreateEx(int backend, IntPtr deviceAllocator, IntPtr pinnedAllocator, uint flags, out IntPtr handle);
    [DllImport(Library)] public static extern int nvjpegDestroy(IntPtr handle);
    [DllImport(Library)] public static extern int nvjpegGetHardwareDecoderInfo(IntPtr handle, out uint engines, out uint coresPerEngine);
    [DllImport(Library)] public static extern int nvjpegJpegStateCreate(IntPtr handle, out IntPtr state);
    [DllImport(Library)] public static extern int nvjpegJpegStateDestroy(IntPtr state);
    [DllImport(Library)] public static extern int nvjpegJpegStreamCreate(IntPtr handle, out IntPtr jpegStream);
    [DllImport(Library)] public static extern int nvjpegJpegStreamDestroy(IntPtr jpegStream);
    [DllImport(Library)] public static extern int nvjpegJpegStreamParseHeader(IntPtr handle, byte* data, nuint length, IntPtr jpegStream);
    [DllImport(Library)] public static extern int nvjpegDecodeBatchedSupported(IntPtr handle, IntPtr jpegStream, out int isSupported);
    [DllImport(Library)] public static extern int nvjpegGetImageInfo(IntPtr handle, byte* data, nuint length, out int components, out int subsampling, int* widths, int* heights);
    [DllImport(Library)] public static extern int nvjpegDecodeBatchedInitialize(IntPtr handle, IntPtr state, int batchSize, int maxCpuThreads, int outputFormat);
    [DllImport(Library)] public static extern int nvjpegDecodeBatched(IntPtr handle, IntPtr state, IntPtr* data, nuint* lengths, Image* destinations, IntPtr stream);

    public static void Check(int status, string call)
    {
        if (status != 0)
            throw new CudaException($"{call} failed: nvJPEG status {status}", status == AllocatorFailure);
    }
}
