namespace ImageSearch.Ingestion.Publishing;

/// <summary>The outcome of a publish run, as the final report and the exit code see it.</summary>
/// <param name="StoppedOnFailures">Several batches in a row failed (the broker is gone), so the rest of the source was not read.</param>
public sealed record PublishSummary(
    long Published,
    long Skipped,
    long Failed,
    IReadOnlyList<ReasonTally> SkippedBy,
    IReadOnlyList<ReasonTally> FailedBy,
    TimeSpan Elapsed,
    bool DryRun,
    bool Cancelled,
    bool StoppedOnFailures)
{
    /// <summary>0 all published (skips are reported, not errors), 1 some messages failed, 130 interrupted.</summary>
    public int ExitCode => Cancelled ? 130 : Failed > 0 || StoppedOnFailures ? 1 : 0;
}
