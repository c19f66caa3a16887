namespace ImageSearch.VectorStore;

/// <summary>The store could not be reached or answered with a transient error: callers retry, nothing is dead-lettered.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
