using System.Runtime.InteropServices;

namespace ImageSearch.Embedding.Gpu;

/// <summary>The few CUDA runtime calls the GPU decode path needs (CUDA 13's libcudart, found on the loader path).</summary>
internal static class CudaRuntime
{
    private const string Library = "libcudart.so.13";
    public const int HostToDevice = 1;
    public const uint NonBlockingStream = 1;
    public const int ErrorMemoryAllocation = 2;

    [DllImport(Library)] public static extern int cudaSetDevice(int device);
    [DllImport(Library)] public static extern int cudaMalloc(out IntPtr pointer, nuint size);
    [DllImport(Library)] public static extern int cudaFree(IntPtr pointer);
    [DllImport(Library)] public static extern int cudaMallocHost(out IntPtr pointer, nuint size);
    [DllImport(Library)] public static extern int cudaFreeHost(IntPtr pointer);
    [DllImport(Library)] public static extern int cudaStreamCreateWithFlags(out IntPtr stream, uint flags);
    [DllImport(Library)] public static extern int cudaStreamDestroy(IntPtr stream);
    [DllImport(Library)] public static extern int cudaStreamSynchronize(IntPtr stream);
    [DllImport(Library)] public static extern int cudaMemcpyAsync(IntPtr destination, IntPtr source, nuint count, int kind, IntPtr stream);
    [DllImport(Library)] public static extern int cudaMemsetAsync(IntPtr destination, int value, nuint count, IntPtr stream);
    [DllImport(Library)] private static extern IntPtr cudaGetErrorString(int error);

    public static void Check(int status, string call)
    {
        if (status != 0)
            throw new CudaException($"{call} failed: CUDA error {status} ({Marshal.PtrToStringAnsi(cudaGetErrorString(status))})", status == ErrorMemoryAllocation);
    }
}

/// <summary>A CUDA, nvJPEG or NPP call failed; <see cref="OutOfMemory"/> when it was the GPU's memory that ran out.</summary>
public sealed class CudaException(string message, bool outOfMemory = false) : Exception(message)
{
    public bool OutOfMemory { get; } = outOfMemory;
}
