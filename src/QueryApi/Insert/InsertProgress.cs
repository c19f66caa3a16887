using System.Collections.Concurrent;
using ImageSearch.DeadLetters;
using ImageSearch.VectorStore;

namespace ImageSearch.QueryApi.Insert;

/// <summary>
/// Answers "how far is this queued insert?" by resolving pending images against the dead-letter journal and the store:
/// at most <see cref="CheckBudget"/> images per poll, continuing where the last poll stopped (so an image that never
/// arrives cannot hide the others). An image already in the collection when the batch was queued counts as stored.
/// </summary>
public sealed class InsertProgress(InsertTracking tracking, DeadLetterJournal journal, IVectorStore store)
{
    public const int CheckBudget = 5_000;
    private const int StoreLookups = 8;

    private readonly ConcurrentDictionary<string, long> _cursors = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    /// <summary>The batch's counts after checking the next pending images, or null for an unknown tracking id.</summary>
    public async Task<InsertStatus?> GetAsync(string batch, CancellationToken cancellationToken)
    {
        if (tracking.Find(batch) is not var (created, collection))
            return null;
        // One refresh at a time: concurrent polls would check the same images twice.
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            await RefreshAsync(batch, created, collection, cancellationToken);
        }
        finally
        {
            _refreshing.Release();
        }
        var (pending, stored, dead, reasons) = tracking.Counts(batch);
        return new InsertStatus(batch, created, pending + stored + dead, stored, dead, pending, pending == 0, reasons);
    }

    private async Task RefreshAsync(string batch, DateTimeOffset created, string collection, CancellationToken cancellationToken)
    {
        var after = _cursors.GetValueOrDefault(batch);
        var ids = tracking.PendingIds(batch, after, CheckBudget);
        if (ids.Count < CheckBudget && after > 0)
            ids = [.. ids, .. tracking.PendingIds(batch, 0, CheckBudget - ids.Count).Where(id => id <= after)];
        if (ids.Count == 0)
            return;
        _cursors[batch] = ids[^1];

        var resolved = new ConcurrentBag<(long, InsertState, Contracts.DeadLetterReason?)>();
        // A dead letter recorded after the batch was queued wins: the image failed this time, whatever the store holds.
        var dead = (await journal.FindAsync(ids, created, cancellationToken)).ToDictionary(d => d.ImageId, d => d.Reason);
        foreach (var (id, reason) in dead)
            resolved.Add((id, InsertState.DeadLettered, reason));
        await Parallel.ForEachAsync(ids.Where(id => !dead.ContainsKey(id)),
            new ParallelOptions { MaxDegreeOfParallelism = StoreLookups, CancellationToken = cancellationToken },
            async (id, token) =>
            {
                try
                {
                    if (await store.GetAsync(collection, id, token) is not null)
                        resolved.Add((id, InsertState.Stored, null));
                }
                catch (CollectionNotFoundException)
                {
                    // Nothing indexed yet: still pending.
                }
            });
        tracking.Resolve(batch, resolved.ToList());
    }
}

/// <param name="Done">Nothing is pending: every image was stored or dead-lettered.</param>
/// <param name="DeadLettersByReason">Dead-lettered images per reason (see <c>GET /dead-letters</c> for the messages).</param>
public sealed record InsertStatus(
    string TrackingId, DateTimeOffset Created, long Total, long Stored, long DeadLettered, long Pending, bool Done,
    IReadOnlyDictionary<string, long> DeadLettersByReason);
