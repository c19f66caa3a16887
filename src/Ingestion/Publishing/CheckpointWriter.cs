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

    /// <summary>The checkpoint to resume from: null when none was written yet.</summary>
    /// <exception cref="CheckpointMismatchException">The file belongs to another source or collection.</exception>
    public PublishCheckpoint? Read() => PublishCheckpoint.Read(Path, source, collection);

    internal void Save(long position, string? lastItem, bool final)
    {
        lock (_gate)
        {
            if (position < _written || (!final && (position == _written || _sinceWrite.Elapsed < Interval)))
                return;
            new PublishCheckpoint(source, collection, position, lastItem, DateTimeOffset.UtcNow).Write(Path);
            _written = position;
            _sinceWrite.Restart();
        }
    }
}
