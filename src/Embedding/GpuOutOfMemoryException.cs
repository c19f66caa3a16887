namespace ImageSearch.Embedding;

/// <summary>
/// The GPU ran out of memory even for a single image (after the batch was halved down to one), or for a batch buffer.
/// The device's state, never the images' fault: the caller retries the batch later, as for a storage outage, and no image
/// is dead-lettered for it.
/// </summary>
public sealed class GpuOutOfMemoryException(string message, Exception inner) : Exception(message, inner);
