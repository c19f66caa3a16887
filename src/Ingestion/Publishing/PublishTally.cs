using System.Collections.Concurrent;
using System.Diagnostics;

namespace ImageSearch.Ingestion.Publishing;

/// <summary>Live counts of a publish run, safe to read from the progress display while batches complete.</summary>
public sealed class PublishTally
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, Outcome> _skipped = new();
    private readonly ConcurrentDictionary<string, Outcome> _failed = new();
    private long _published, _skippedCount, _failedCount, _total = -1;

    public long Published => Interlocked.Read(ref _published);
    public long Skipped => Interlocked.Read(ref _skippedCount);
    public long Failed => Interlocked.Read(ref _failedCount);
    public long Done => Published + Skipped + Failed;
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Expected number of items when known (set by a count running beside the publish), else null.</summary>
    public long? Total
    {
        get => Interlocked.Read(ref _total) is var t and >= 0 ? t : null;
        set => Interlocked.Exchange(ref _total, value ?? -1);
    }

    /// <summary>Items per second since the start.</summary>
    public double Rate => Elapsed.TotalSeconds > 0 ? Done / Elapsed.TotalSeconds : 0;

    public TimeSpan? Remaining =>
        Total is { } total && Rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, total - Done) / Rate) : null;

    public void AddPublished(int count) => Interlocked.Add(ref _published, count);

    public void AddSkipped(string reason, string example)
    {
        Interlocked.Increment(ref _skippedCount);
        Count(_skipped, reason, example, 1);
    }

    public void AddFailed(string reason, string example, int count)
    {
        Interlocked.Add(ref _failedCount, count);
        Count(_failed, reason, example, count);
    }

    public PublishSummary ToSummary(bool dryRun, bool cancelled, bool stoppedOnFailures, SourcePositions positions) =>
        new(Published, Skipped, Failed, Snapshot(_skipped), Snapshot(_failed), Elapsed, dryRun, cancelled, stoppedOnFailures, positions);

    private static void Count(ConcurrentDictionary<string, Outcome> outcomes, string reason, string example, int count) =>
        outcomes.AddOrUpdate(reason, _ => new Outcome(count, example), (_, o) => o with { Count = o.Count + count });

    private static IReadOnlyList<ReasonTally> Snapshot(ConcurrentDictionary<string, Outcome> outcomes) =>
        outcomes.Select(o => new ReasonTally(o.Key, o.Value.Count, o.Value.Example)).OrderByDescending(r => r.Count).ToList();

    private sealed record Outcome(long Count, string Example);
}
