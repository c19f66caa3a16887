using ImageSearch.ServiceDefaults;

namespace ImageSearch.DeadLetters.ErrorQueues;

/// <summary>What waits in the pipeline's error queues: their depths, and their messages grouped by the exception that faulted them.</summary>
public sealed class ErrorQueueReader(BrokerConnection broker)
{
    /// <summary>Ready messages in each error queue of <see cref="ErrorQueue.All"/>, from passive declares (no message is touched).</summary>
    public async Task<IReadOnlyList<ErrorQueueDepth>> DepthsAsync(CancellationToken cancellationToken)
    {
        var depths = new List<ErrorQueueDepth>(ErrorQueue.All.Count);
        foreach (var queue in ErrorQueue.All)
            depths.Add(new ErrorQueueDepth(queue.Name, queue.Source, await broker.ReadyMessagesAsync(queue.Name, cancellationToken) ?? 0));
        return depths;
    }

    /// <summary>
    /// Reads up to <paramref name="scanLimit"/> messages of each error queue selected by <paramref name="queue"/> (see
    /// <see cref="ErrorQueue.Select"/>) and groups them by exception type, most frequent first. The messages are taken
    /// unacknowledged and put back when the listing ends; while it runs they are not ready in the queue.
    /// </summary>
    /// <param name="examples">Messages kept per exception type.</param>
    public async Task<IReadOnlyList<ErrorQueueListing>> ListAsync(string? queue, int scanLimit, int examples, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(scanLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(examples);
        var listings = new List<ErrorQueueListing>();
        foreach (var errorQueue in ErrorQueue.Select(queue))
        {
            var groups = new Dictionary<string, ExceptionTally>();
            long scanned = 0;
            await using var scan = await ErrorQueueScan.OpenAsync(broker, errorQueue.Name, cancellationToken);
            while (await scan.NextAsync(scanLimit, cancellationToken) is { } delivery)
            {
                scanned++;
                var message = FaultedMessage.Read(delivery);
                if (!groups.TryGetValue(message.ExceptionType, out var tally))
                    groups[message.ExceptionType] = tally = new ExceptionTally();
                tally.Count++;
                if (tally.Messages.Count < examples)
                    tally.Messages.Add(message);
            }
            var exceptions = groups
                .OrderByDescending(g => g.Value.Count).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ExceptionGroup(g.Key, g.Value.Count, g.Value.Messages))
                .ToList();
            listings.Add(new ErrorQueueListing(errorQueue.Name, errorQueue.Source, scan.Depth, scanned, exceptions));
        }
        return listings;
    }

    private sealed class ExceptionTally
    {
        public long Count { get; set; }

        public List<FaultedMessage> Messages { get; } = [];
    }
}

/// <summary>A listing of error queues, as the CLI (<c>errors list --json</c>) and the API (<c>GET /errors</c>) both write it.</summary>
public sealed record ErrorQueueReport(IReadOnlyList<ErrorQueueListing> Queues);

/// <param name="Ready">Messages waiting; 0 when the queue does not exist (nothing has faulted there yet).</param>
public sealed record ErrorQueueDepth(string Queue, string Source, long Ready);

/// <param name="Depth">Messages ready in the queue when the listing began.</param>
/// <param name="Scanned">Messages read into the groups: the depth, or the scan limit when that is smaller.</param>
public sealed record ErrorQueueListing(string Queue, string Source, long Depth, long Scanned, IReadOnlyList<ExceptionGroup> Exceptions);

/// <param name="Count">Scanned messages faulted by this exception type.</param>
/// <param name="Messages">The first of them, up to the examples asked for.</param>
public sealed record ExceptionGroup(string ExceptionType, long Count, IReadOnlyList<FaultedMessage> Messages);
