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
    [DllImport(Library)] private static extern int cudaThreadExchangeStreamCaptureMode(ref int mode);

    private const int CaptureModeRelaxed = 2;

    /// <summary>
    /// Lets this thread make CUDA calls while another thread captures a stream. nvJPEG's batched decode captures its work
    /// in global capture mode; meanwhile a potentially unsafe CUDA call of any other thread in the default mode
    /// (synchronisation, cudaMalloc, cudaFree, as ONNX Runtime and the batch buffers make) fails with "operation not
    /// permitted when stream is capturing" (seen on the H200). None of those calls touches the decoder's stream, so its
    /// capture stays valid: every thread that makes GPU calls beside the decoder relaxes its mode first (it is per thread,
    /// and cheap), and decode and inference overlap. Making the decode wait for the rest instead cost 17 % of throughput.
    /// </summary>
    public static void RelaxCaptureMode()
    {
        var mode = CaptureModeRelaxed;
        Check(cudaThreadExchangeStreamCaptureMode(ref mode), "cudaThreadExchangeStreamCaptureMode");
    }

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
