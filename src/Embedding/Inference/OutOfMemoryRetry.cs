using ImageSearch.Embedding.Gpu;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Embedding.Inference;

/// <summary>
/// Runs a batch through the model and, when the GPU runs out of memory, runs each half in turn instead, down to single
/// images. Running out of memory is the device's state, never the images' fault: no image fails for it. Only a single
/// image that still does not fit throws, as a <see cref="GpuOutOfMemoryException"/>, so the caller retries the batch later.
/// </summary>
internal static class OutOfMemoryRetry
{
    /// <param name="count">Images in the batch.</param>
    /// <param name="run">Runs images [start, start + count) of the batch.</param>
    public static void Run(int count, Action<int, int> run, ILogger logger) => Run(0, count, run, logger);

    private static void Run(int start, int count, Action<int, int> run, ILogger logger)
    {
        try
        {
            run(start, count);
        }
        catch (Exception e) when (count == 1 && IsOutOfMemory(e))
        {
            throw new GpuOutOfMemoryException($"GPU out of memory even for one image: {e.Message}", e);
        }
        catch (Exception e) when (count > 1 && IsOutOfMemory(e))
        {
            var half = count / 2;
            logger.LogWarning("GPU out of memory on a batch of {Count}; running it as {Half} + {Rest}: {Message}", count, half, count - half, e.Message);
            Run(start, half, run, logger);
            Run(start + half, count - half, run, logger);
        }
    }

    /// <summary>ONNX Runtime reports a failed CUDA allocation as a runtime exception naming it; the GPU decode path as a <see cref="CudaException"/>.</summary>
    public static bool IsOutOfMemory(Exception e) => e switch
    {
        CudaException cuda => cuda.OutOfMemory,
        OnnxRuntimeException => e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("Failed to allocate memory", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("ALLOC_FAILED", StringComparison.Ordinal),
        _ => false,
    };
}
