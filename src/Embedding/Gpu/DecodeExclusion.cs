namespace ImageSearch.Embedding.Gpu;

/// <summary>
/// nvJPEG's batched decode captures CUDA work in global capture mode; while it does, any other thread's potentially unsafe
/// CUDA call (device or legacy-stream synchronisation, cudaMalloc, cudaFree, as ONNX Runtime and the batch buffers make)
/// fails with "operation not permitted when stream is capturing" (seen on the H200: a failed run, or a crash). So a batch
/// decode runs alone, while inference runs, uploads and allocations may run together with one another.
/// </summary>
internal static class DecodeExclusion
{
    private static readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.SupportsRecursion);

    /// <summary>Runs GPU work that may run beside other such work, but never during a decode.</summary>
    public static void Shared(Action work)
    {
        Lock.EnterReadLock();
        try
        {
            work();
        }
        finally
        {
            Lock.ExitReadLock();
        }
    }

    /// <summary>Runs a decode with nothing else of this process on the GPU.</summary>
    public static T Exclusive<T>(Func<T> work)
    {
        Lock.EnterWriteLock();
        try
        {
            return work();
        }
        finally
        {
            Lock.ExitWriteLock();
        }
    }
}
