using ImageSearch.Contracts;
using ImageSearch.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace ImageSearch.DeadLetters.ErrorQueues;

/// <summary>
/// Moves faulted messages out of the error queues: back to the queue they came from (the fault fixed), or into the
/// dead-letter journal (the images given up on, replayable from there). Every move is at-least-once: a batch is
/// published and confirmed by the broker first, and only then taken off the error queue. A crash in between leaves
/// the batch in both places, which is harmless: image ids are stable, so the store upserts and the journal keeps one row.
/// </summary>
public sealed class ErrorQueueMover(BrokerConnection broker, IPublishEndpoint publishEndpoint, ILogger<ErrorQueueMover> logger)
{
    private const int BatchSize = 100;

    /// <summary>
    /// Publishes the selected messages to their source queue as they were (body and properties; only the fault headers
    /// are dropped, MassTransit writes fresh ones if they fault again), through the default exchange, so that they reach
    /// that queue only and a missing queue is an error rather than a silent drop.
    /// </summary>
    public async Task<IReadOnlyList<MovedMessages>> RequeueAsync(FaultSelection selection, CancellationToken cancellationToken)
    {
        var connection = await broker.GetAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        return await MoveAsync(selection, queue => queue.Source, (_, delivery, _) => delivery, async (queue, batch) =>
        {
            var confirms = batch.Select(d => channel.BasicPublishAsync(
                "", queue.Source, mandatory: true, WithoutFaultHeaders(d.BasicProperties), d.Body, cancellationToken).AsTask());
            await Task.WhenAll(confirms);
        }, cancellationToken);
    }

    /// <summary>
    /// Publishes the selected messages as dead letters (see <see cref="FaultDeadLetters"/>) to the dead-letter queue, where
    /// the deployment's recorder writes them into its journal; a message that is not the one its queue carries stays.
    /// Through the recorder rather than straight into a journal file: the file this process would open need not be the one
    /// the pipeline and the API read.
    /// </summary>
    public Task<IReadOnlyList<MovedMessages>> ToJournalAsync(FaultSelection selection, CancellationToken cancellationToken) =>
        MoveAsync(selection, _ => QueueNames.DeadLetters, FaultDeadLetters.From,
            (_, letters) => publishEndpoint.PublishBatch(letters.SelectMany(l => l), cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<MovedMessages>> MoveAsync<T>(
        FaultSelection selection,
        Func<ErrorQueue, string> target,
        Func<ErrorQueue, BasicGetResult, FaultedMessage, T?> prepare,
        Func<ErrorQueue, IReadOnlyList<T>, Task> publish,
        CancellationToken cancellationToken)
        where T : class
    {
        if (selection.Limit is < 1)
            throw new ArgumentOutOfRangeException(nameof(selection), $"the limit must be at least 1, not {selection.Limit}");
        var queues = ErrorQueue.Select(selection.Queue);
        var left = selection.Limit ?? long.MaxValue;
        var results = new List<MovedMessages>(queues.Count);
        foreach (var queue in queues)
        {
            long moved = 0, unreadable = 0;
            await using (var scan = await ErrorQueueScan.OpenAsync(broker, queue.Name, cancellationToken))
            {
                var batch = new List<(BasicGetResult Delivery, T Item)>(BatchSize);
                while (moved + batch.Count < left && await scan.NextAsync(long.MaxValue, cancellationToken) is { } delivery)
                {
                    var fault = FaultedMessage.Read(delivery);
                    if (selection.ExceptionType is { } type && !fault.Is(type))
                        continue;
                    if (prepare(queue, delivery, fault) is not { } item)
                    {
                        unreadable++;
                        logger.LogWarning("Message {MessageId} in {Queue} is not a pipeline message; it stays there", fault.MessageId, queue.Name);
                        continue;
                    }
                    batch.Add((delivery, item));
                    if (batch.Count == BatchSize)
                        moved += await FlushAsync(scan, queue, batch);
                }
                moved += await FlushAsync(scan, queue, batch);
            }
            left -= moved;
            results.Add(new MovedMessages(queue.Name, target(queue), moved, unreadable));
            if (moved > 0)
                logger.LogInformation("Moved {Count} messages from {Queue} to {Target}", moved, queue.Name, target(queue));
        }
        return results;

        async Task<long> FlushAsync(ErrorQueueScan scan, ErrorQueue queue, List<(BasicGetResult Delivery, T Item)> batch)
        {
            if (batch.Count == 0)
                return 0;
            await publish(queue, batch.Select(b => b.Item).ToList());
            await scan.AckAsync(batch.Select(b => b.Delivery), cancellationToken);
            var count = batch.Count;
            batch.Clear();
            return count;
        }
    }

    private static BasicProperties WithoutFaultHeaders(IReadOnlyBasicProperties original)
    {
        var properties = new BasicProperties(original);
        if (original.Headers is { } headers)
            properties.Headers = headers
                .Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.Ordinal) && h.Key != MessageHeaders.Reason)
                .ToDictionary(h => h.Key, h => h.Value);
        return properties;
    }
}

/// <summary>Which faulted messages to move.</summary>
/// <param name="Queue">An error queue or its source queue (see <see cref="ErrorQueue.Select"/>); null for all.</param>
/// <param name="ExceptionType">Only messages faulted by this exception, full or short name; null for any.</param>
/// <param name="Limit">At most this many messages over all queues; null for every one.</param>
public sealed record FaultSelection(string? Queue = null, string? ExceptionType = null, long? Limit = null);

/// <param name="To">The queue the messages went to.</param>
/// <param name="Unreadable">Selected messages that stayed: their body is not the message the queue carries.</param>
public sealed record MovedMessages(string Queue, string To, long Moved, long Unreadable);
