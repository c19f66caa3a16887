namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The one-writer rule of a store folder: an exclusive OS lock on <c>writer.lock</c> in it (.NET takes flock(LOCK_EX)
/// for <see cref="FileShare.None"/> on Linux). The kernel drops it when the holder disposes it or dies, kill -9 included,
/// so a crashed writer never leaves a stale lock behind. Followers never open the file.
/// </summary>
internal sealed class WriterLock(FileStream file) : IDisposable
{
    public const string FileName = "writer.lock";

    // .NET reports a lock held elsewhere as an IOException carrying errno EWOULDBLOCK on Linux, a sharing violation on Windows.
    private const int WouldBlock = 11;
    private const int SharingViolation = unchecked((int)0x80070020);

    /// <exception cref="StoreUnavailableException">Another writer holds the folder, or the lock file cannot be created:
    /// retried like any outage, so a replacement indexer waits for the old one to exit.</exception>
    public static WriterLock Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            return new WriterLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e.HResult is WouldBlock or SharingViolation)
        {
            throw new StoreUnavailableException(
                $"The embedded store at {directory} is held by another writer: another process (or another store in this one) " +
                $"holds the lock on {path}. One writer per store folder: stop the other, or open this one with " +
                "VectorStore:Embedded:Role=Follower to read it.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"The embedded store at {directory} cannot be opened for writing: {path}: {e.Message}", e);
        }
    }

    public void Dispose() => file.Dispose();
}
