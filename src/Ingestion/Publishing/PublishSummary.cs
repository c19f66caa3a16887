namespace ImageSearch.Ingestion.Publishing;

/// <summary>The outcome of a publish run, as the final report and the exit code see it.</summary>
/// <param name="Cancelled">Interrupted (Ctrl-C, SIGTERM, a request aborted): the rest of the source was not read.</param>
/// <param name="StoppedOnFailures">Several batches in a row failed (the broker is gone), so the rest of the source was not read.</param>
/// <param name="Positions">Exactly which items are done and which are not, by position in the source.</param>
public sealed record PublishSummary(
    long Published,
    long Skipped,
    long Failed,
    IReadOnlyList<ReasonTally> SkippedBy,
    IReadOnlyList<ReasonTally> FailedBy,
    TimeSpan Elapsed,
    bool DryRun,
    bool Cancelled,
    bool StoppedOnFailures,
    SourcePositions Positions)
{
    /// <summary>Exit code of an interrupted run, whichever signal interrupted it (128 + SIGINT, as shells report Ctrl-C).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>0 all published (skips are reported, not errors), 1 some messages failed, 130 interrupted.</summary>
    public int ExitCode => Cancelled ? InterruptedExitCode : Failed > 0 || StoppedOnFailures ? 1 : 0;
}
