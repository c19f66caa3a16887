namespace ImageSearch.Embedding.Gpu;

/// <summary>One batch's uint8 pixels in GPU memory, and a pinned host area for the images decoded on the CPU.</summary>
internal sealed class PixelBatch : IDisposable
{
    private IntPtr _stream;

    public PixelBatch(long bytes, int deviceId)
    {
        CudaRuntime.RelaxCaptureMode();
        CudaRuntime.Check(CudaRuntime.cudaSetDevice(deviceId), "cudaSetDevice");
        Device.Ensure(bytes);
        Host.Ensure(bytes);
        CudaRuntime.Check(CudaRuntime.cudaStreamCreateWithFlags(out var stream, CudaRuntime.NonBlockingStream), "cudaStreamCreateWithFlags");
        _stream = stream;
    }

    public GpuMemory Device { get; } = new(pinnedHost: false);
    public GpuMemory Host { get; } = new(pinnedHost: true);

    /// <summary>Copies the host-decoded slots to the GPU (synchronously: the batch is complete when this returns).</summary>
    public void Upload(bool[] onHost, int slotBytes)
    {
        if (!onHost.Contains(true))
            return;
        CudaRuntime.RelaxCaptureMode();
        for (var slot = 0; slot < onHost.Length; slot++)
            if (onHost[slot])
                CudaRuntime.Check(CudaRuntime.cudaMemcpyAsync(Device.Pointer + (nint)((long)slot * slotBytes), Host.Pointer + (nint)((long)slot * slotBytes),
                    (nuint)slotBytes, CudaRuntime.HostToDevice, _stream), "cudaMemcpyAsync");
        CudaRuntime.Check(CudaRuntime.cudaStreamSynchronize(_stream), "cudaStreamSynchronize");
    }

    public void Dispose()
    {
        CudaRuntime.RelaxCaptureMode();
        CudaRuntime.cudaStreamDestroy(_stream);
        Device.Dispose();
        Host.Dispose();
    }
}
