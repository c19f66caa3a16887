using System.Diagnostics;

namespace ImageSearch.Ingestion.Publishing;

/// <summary>
/// Keeps the checkpoint file of a run up to date as its frontier moves: at most once a <see cref="Interval"/> while
/// batches complete (a kill loses at most that much progress, which a resume publishes again), and always at the end.
/// </summary>
public sealed class CheckpointWriter(string path, string source, string? collection)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceWrite = Stopwatch.StartNew();
    private long _written = -1;

    public string Path { get; } = path;

    /// <summary>Why the checkpoint could not be written, the first time it could not; null while every write succeeded.</summary>
    public string? Failure { get; private set; }

    /// <summary>The checkpoint to resume from: null when none was written yet.</summary>
    /// <exception cref="CheckpointMismatchException">The file belongs to another source or collection.</exception>
    public PublishCheckpoint? Read() => PublishCheckpoint.Read(Path, source, collection);

    internal void Save(long position, string? lastItem, bool final)
    {
        lock (_gate)
        {
            if (position < _written || (!final && (position == _written || _sinceWrite.Elapsed < Interval)))
                return;
            try
            {
                new PublishCheckpoint(source, collection, position, lastItem, DateTimeOffset.UtcNow).Write(Path);
                _written = position;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Publishing goes on without it (a resume then repeats more); the summary says the checkpoint is behind.
                Failure ??= e.Message;
            }
            _sinceWrite.Restart();
        }
    }
}
