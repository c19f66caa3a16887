using System.Runtime.InteropServices;

namespace ImageSearch.Embedding.Gpu;

/// <summary>NPP's resize (CUDA 13 keeps only the <c>_Ctx</c> forms, which take the stream in a context struct).</summary>
internal static class Npp
{
    public const int Linear = 2, Super = 8;

    [StructLayout(LayoutKind.Sequential)]
    public struct StreamContext
    {
        public IntPtr Stream;
        public int DeviceId, MultiProcessorCount, MaxThreadsPerMultiProcessor, MaxThreadsPerBlock;
        public nuint SharedMemoryPerBlock;
        public int ComputeCapabilityMajor, ComputeCapabilityMinor;
        public uint StreamFlags;
        public int Reserved;
    }

    [StructLayout(LayoutKind.Sequential)]
    public readonly record struct Size(int Width, int Height);

    [StructLayout(LayoutKind.Sequential)]
    public readonly record struct Rect(int X, int Y, int Width, int Height);

    /// <summary>Fills the context for the current device and NPP's default stream; the caller then sets its own stream.</summary>
    [DllImport("libnppc.so.13")] public static extern int nppGetStreamContext(out StreamContext context);

    [DllImport("libnppig.so.13")]
    public static extern int nppiResize_8u_C3R_Ctx(IntPtr source, int sourceStep, Size sourceSize, Rect sourceRegion,
        IntPtr destination, int destinationStep, Size destinationSize, Rect destinationRegion, int interpolation, StreamContext context);

    /// <summary>NPP returns negative codes for errors and positive ones for warnings.</summary>
    public static void Check(int status, string call)
    {
        if (status < 0)
            throw new CudaException($"{call} failed: NPP status {status}");
    }
}
