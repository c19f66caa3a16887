using ImageSearch.ServiceDefaults;
using RabbitMQ.Client;

namespace ImageSearch.DeadLetters.ErrorQueues;

/// <summary>
/// Takes the messages of one error queue from its head, unacknowledged, on a channel of its own. RabbitMQ has no peek:
/// a message is read by taking it, and closing the channel puts back every message not acknowledged.
/// The scan stops at the depth the queue had when it began, so a message that faults again while it runs (requeued and
/// back in the error queue) is not taken twice, and a scan over a busy queue ends.
/// </summary>
internal sealed class ErrorQueueScan : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly string _queue;
    private readonly long _depth;
    private long _taken;

    private ErrorQueueScan(IChannel channel, string queue, long depth)
    {
        _channel = channel;
        _queue = queue;
        _depth = depth;
    }

    /// <summary>Ready messages when the scan began.</summary>
    public long Depth => _depth;

    /// <summary>Opens a scan over <paramref name="queue"/>; one over nothing when the queue does not exist yet.</summary>
    public static async Task<ErrorQueueScan> OpenAsync(BrokerConnection broker, string queue, CancellationToken cancellationToken)
    {
        var depth = await broker.ReadyMessagesAsync(queue, cancellationToken) ?? 0;
        var connection = await broker.GetAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return new ErrorQueueScan(channel, queue, depth);
    }

    /// <summary>The next message, oldest first; null once the messages there at the start are taken, or after <paramref name="limit"/>.</summary>
    public async Task<BasicGetResult?> NextAsync(long limit, CancellationToken cancellationToken)
    {
        if (_taken >= Math.Min(_depth, limit))
            return null;
        var delivery = await _channel.BasicGetAsync(_queue, autoAck: false, cancellationToken);
        if (delivery is not null)
            _taken++;
        return delivery;
    }

    /// <summary>Removes these messages from the error queue, once they are safe elsewhere.</summary>
    public async Task AckAsync(IEnumerable<BasicGetResult> deliveries, CancellationToken cancellationToken)
    {
        foreach (var delivery in deliveries)
            await _channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
    }

    /// <summary>Closes the channel, which puts back every message taken and not acknowledged.</summary>
    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
