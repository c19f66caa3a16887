using ImageSearch.Contracts;
using MassTransit;

namespace ImageSearch.DeadLetters;

/// <summary>
/// Re-publishes open dead letters as <see cref="EmbedImage"/> with the next attempt number, then marks them replayed.
/// Safe to rerun: a batch published but not yet marked (a crash in between) is published again, and ids are stable,
/// so the store upserts the same rows.
/// </summary>
public sealed class DeadLetterReplayer(DeadLetterJournal journal, IPublishEndpoint publishEndpoint)
{
    /// <summary>Replays every open dead letter (of <paramref name="reason"/>, or all) recorded before the call.</summary>
    /// <param name="onBatch">Told the running total after each batch.</param>
    /// <returns>How many dead letters were replayed.</returns>
    public async Task<long> ReplayAsync(
        DeadLetterReason? reason, int batchSize, Action<long>? onBatch, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        // Images that fail again while the replay runs are recorded after this id and wait for the next replay,
        // so a permanently missing file cannot keep a replay going forever.
        var upToId = await journal.LastIdAsync(cancellationToken);
        long afterId = 0, replayed = 0;
        while (true)
        {
            var batch = await journal.ListAsync(reason, afterId, batchSize, cancellationToken, upToId: upToId);
            if (batch.Count == 0)
                return replayed;
            await publishEndpoint.PublishBatch(
                batch.Select(e => new EmbedImage(e.ImageId, e.Path, e.Label, e.Collection, e.Attempts + 1)), cancellationToken);
            await journal.MarkReplayedAsync(batch.Select(e => e.Id).ToList(), DateTimeOffset.UtcNow, cancellationToken);
            replayed += batch.Count;
            afterId = batch[^1].Id;
            onBatch?.Invoke(replayed);
        }
    }
}
