using Microsoft.Extensions.Logging;

namespace ImageSearch.Embedding.Imaging;

/// <summary>The one rule for what an exception while preparing one image means, shared by the CPU and GPU decode paths.</summary>
internal static class ImageFailures
{
    /// <summary>
    /// Runs one image's preparation. A rejection or any unforeseen exception becomes that image's failure (one image must
    /// never fail its batch); cancellation, and running out of file handles or memory (the process's state, not the image's),
    /// propagate so the batch is retried.
    /// </summary>
    public static async Task<EmbeddingResult?> CaptureAsync(Func<Task> prepare, Func<string> name, ILogger logger, CancellationToken token)
    {
        try
        {
            await prepare();
            return null;
        }
        catch (ImageRejectedException e)
        {
            return EmbeddingResult.Failure(e);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is OutOfMemoryException || e is IOException io && RegularFile.IsProcessLimit(io))
        {
            throw;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Unexpected failure on {Image}; only this image fails", name());
            return EmbeddingResult.Unexpected(e);
        }
    }
}
