using ImageSearch.Contracts;

namespace ImageSearch.DeadLetters;

/// <param name="Open">Dead letters not replayed yet.</param>
/// <param name="Replayed">Dead letters already re-published (kept as history).</param>
public sealed record ReasonCount(DeadLetterReason Reason, long Open, long Replayed);
