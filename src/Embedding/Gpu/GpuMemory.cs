namespace ImageSearch.Embedding.Gpu;

/// <summary>A block of GPU memory (or of pinned host memory) that grows to the largest size asked of it. Not thread-safe.</summary>
internal sealed class GpuMemory(bool pinnedHost) : IDisposable
{
    private nuint _capacity;

    public IntPtr Pointer { get; private set; }

    /// <summary>Makes the block at least <paramref name="bytes"/> long; the old contents are not kept.</summary>
    public IntPtr Ensure(long bytes)
    {
        if ((nuint)bytes <= _capacity)
            return Pointer;
        Dispose();
        var size = (nuint)(bytes + bytes / 2); // room to grow, so a slightly larger batch does not reallocate
        var (status, call) = pinnedHost
            ? (CudaRuntime.cudaMallocHost(out var p, size), "cudaMallocHost")
            : (CudaRuntime.cudaMalloc(out p, size), "cudaMalloc");
        CudaRuntime.Check(status, $"{call}({size:N0} bytes)");
        (Pointer, _capacity) = (p, size);
        return Pointer;
    }

    public void Dispose()
    {
        if (Pointer == IntPtr.Zero)
            return;
        _ = pinnedHost ? CudaRuntime.cudaFreeHost(Pointer) : CudaRuntime.cudaFree(Pointer);
        (Pointer, _capacity) = (IntPtr.Zero, 0);
    }
}
