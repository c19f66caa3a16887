namespace ImageSearch.VectorStore.Milvus;

/// <summary>
/// A failure worth retrying (timeouts, 429, gateway errors, a code Milvus marks retriable, 5xx); becomes
/// <see cref="StoreUnavailableException"/> when retries run out.
/// </summary>
/// <param name="serverErrorStatus">The HTTP status of a 500-class answer, which may be this request's own fault; 0 otherwise.</param>
internal sealed class MilvusTransientException(string message, int serverErrorStatus = 0) : Exception(message)
{
    public int ServerErrorStatus { get; } = serverErrorStatus;
}
