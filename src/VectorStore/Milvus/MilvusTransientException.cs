namespace ImageSearch.VectorStore.Milvus;

/// <summary>A failure worth retrying (5xx, 429, or a code Milvus marks retriable); becomes <see cref="StoreUnavailableException"/> when retries run out.</summary>
internal sealed class MilvusTransientException(string message) : Exception(message);
