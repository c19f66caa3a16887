using ImageSearch.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ImageSearch.DeadLetters;

/// <summary>
/// Re-publishes open dead letters as <see cref="EmbedImage"/> with the next attempt number, then marks them replayed.
/// Safe to rerun: a batch published but not yet marked (a crash in between) is published again, and ids are stable,
/// so the store upserts the same rows. <see cref="ReplayPolicy"/> decides which ones; the others stay open, counted.
/// </summary>
public sealed class DeadLetterReplayer(DeadLetterJournal journal, IPublishEndpoint publishEndpoint, IOptions<DeadLetterOptions> options)
{
    /// <summary>The policy for a replay of <paramref name="reason"/> (null: all), with this deployment's attempt limit.</summary>
    public ReplayPolicy Policy(DeadLetterReason? reason, bool force) => new(reason, force, options.Value.MaxAttempts);

    /// <summary>Replays the open dead letters the policy allows, of those recorded before the call.</summary>
    /// <param name="onBatch">Told the running total after each batch.</param>
    public async Task<ReplayResult> ReplayAsync(ReplayPolicy policy, int batchSize, Action<long>? onBatch, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        // Images that fail again while the replay runs are recorded after this id and wait for the next replay,
        // so a permanently missing file cannot keep a replay going forever.
        var upToId = await journal.LastIdAsync(cancellationToken);
        long afterId = 0, replayed = 0, atLimit = 0, permanent = 0;
        while (await journal.ListAsync(policy.Reason, afterId, batchSize, cancellationToken, upToId: upToId) is { Count: > 0 } page)
        {
            afterId = page[^1].Id;
            var chosen = new List<DeadLetterEntry>(page.Count);
            foreach (var entry in page)
                switch (policy.Decide(entry))
                {
                    case ReplayDecision.AtAttemptLimit: atLimit++; break;
                    case ReplayDecision.PermanentReason: permanent++; break;
                    default: chosen.Add(entry); break;
                }
            if (chosen.Count == 0)
                continue;
            await publishEndpoint.PublishBatch(
                chosen.Select(e => new EmbedImage(e.ImageId, e.Path, e.Label, e.Collection, e.Attempts + 1)), cancellationToken);
            await journal.MarkReplayedAsync(chosen.Select(e => e.Id).ToList(), DateTimeOffset.UtcNow, cancellationToken);
            replayed += chosen.Count;
            onBatch?.Invoke(replayed);
        }
        return new ReplayResult(replayed, atLimit, permanent, policy.MaxAttempts);
    }
}

/// <param name="SkippedAtAttemptLimit">Left open: they have had <paramref name="MaxAttempts"/> tries.</param>
/// <param name="SkippedPermanent">Left open: a replay cannot fix their reason (<see cref="ReplayPolicy.Permanent"/>).</param>
public sealed record ReplayResult(long Replayed, long SkippedAtAttemptLimit, long SkippedPermanent, int MaxAttempts);
