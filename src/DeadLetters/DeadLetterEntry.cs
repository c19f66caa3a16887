using ImageSearch.Contracts;

namespace ImageSearch.DeadLetters;

/// <summary>One dead letter as the journal holds it.</summary>
/// <param name="Id">Position in the journal (for paging).</param>
/// <param name="ReplayedAt">When it was re-published; null while it is open.</param>
public sealed record DeadLetterEntry(
    long Id,
    long ImageId,
    string Path,
    string? Label,
    string? Collection,
    PipelineStage Stage,
    DeadLetterReason Reason,
    string Message,
    int Attempts,
    DateTimeOffset Time,
    DateTimeOffset? ReplayedAt);
