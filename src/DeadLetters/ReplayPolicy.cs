using ImageSearch.Contracts;

namespace ImageSearch.DeadLetters;

/// <summary>
/// Which open dead letters a replay publishes again. Replaying helps when the cause was outside the file (a share not
/// mounted, a permission, a fault nobody foresaw); it cannot help a file that is itself bad or a setting that refuses it,
/// so those <see cref="Permanent"/> reasons are left out of a replay of all reasons. Naming one reason replays it as asked,
/// and <c>force</c> replays everything, the attempt limit included (after the files or the settings were fixed).
/// </summary>
public sealed record ReplayPolicy(DeadLetterReason? Reason, bool Force, int MaxAttempts)
{
    /// <summary>
    /// The bytes are not an image, or are broken; the path is not a file; a limit or the allowed roots refuse it; the
    /// message or the collection is wrong; the file crashed the decoder (a replay would crash an embedder again).
    /// Retried: <see cref="DeadLetterReason.FileMissing"/>, <see cref="DeadLetterReason.Unreadable"/> and <see cref="DeadLetterReason.Unexpected"/>.
    /// </summary>
    public static readonly IReadOnlySet<DeadLetterReason> Permanent = new HashSet<DeadLetterReason>
    {
        DeadLetterReason.NotAnImage, DeadLetterReason.Corrupt, DeadLetterReason.FileEmpty, DeadLetterReason.NotAFile,
        DeadLetterReason.TooManyPixels, DeadLetterReason.TooManyBytes, DeadLetterReason.TooSmall,
        DeadLetterReason.OutsideAllowedRoots, DeadLetterReason.InvalidMessage, DeadLetterReason.CollectionMismatch,
        DeadLetterReason.DecoderCrashed,
    };

    public ReplayDecision Decide(DeadLetterEntry entry) =>
        Force ? ReplayDecision.Replay
        : entry.Attempts >= MaxAttempts ? ReplayDecision.AtAttemptLimit
        : Reason is null && Permanent.Contains(entry.Reason) ? ReplayDecision.PermanentReason
        : ReplayDecision.Replay;
}

public enum ReplayDecision
{
    Replay,
    /// <summary>Left open: the image has had <see cref="DeadLetterOptions.MaxAttempts"/> tries.</summary>
    AtAttemptLimit,
    /// <summary>Left open: its reason is <see cref="ReplayPolicy.Permanent"/> and the replay was of all reasons.</summary>
    PermanentReason,
}
