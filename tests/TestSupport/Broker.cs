using System.Text.Json;
using RabbitMQ.Client;

namespace ImageSearch.TestSupport;

/// <summary>One test's virtual host on the fixture's node: settings for the code under test, and a raw AMQP view of its queues.</summary>
public sealed record Broker(RabbitMqNode Node, string VirtualHost)
{
    public int Port => Node.Port;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Configuration keys (as for appsettings.json) that point the code under test at this virtual host.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:Host"] = "127.0.0.1",
        ["Bus:Port"] = Port.ToString(),
        ["Bus:VirtualHost"] = VirtualHost,
        ["Bus:Username"] = "guest",
        ["Bus:Password"] = "guest",
    };

    /// <summary>Takes every message now in <paramref name="queue"/> (acknowledging them) and returns their MassTransit message bodies.</summary>
    public async Task<List<T>> DrainAsync<T>(string queue, CancellationToken cancellationToken) =>
        (await DrainBodiesAsync(queue, cancellationToken)).Select(body =>
        {
            using var envelope = JsonDocument.Parse(body);
            return envelope.RootElement.GetProperty("message").Deserialize<T>(Json)!;
        }).ToList();

    /// <summary>Takes every message now in <paramref name="queue"/> (acknowledging them) and returns their bodies as the broker holds them.</summary>
    public async Task<List<byte[]>> DrainBodiesAsync(string queue, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var bodies = new List<byte[]>();
        while (await channel.BasicGetAsync(queue, autoAck: true, cancellationToken) is { } delivery)
            bodies.Add(delivery.Body.ToArray());
        return bodies;
    }

    /// <summary>
    /// Takes the first message of <paramref name="queue"/> and hands it back unacknowledged (reject with requeue), as a consumer
    /// that dies holding it would, until the queue stops giving one (at most <paramref name="limit"/> times).
    /// </summary>
    /// <returns>How many times a message was delivered.</returns>
    public async Task<int> RequeueUntilGoneAsync(string queue, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var deliveries = 0;
        // A requeue travels through the queue's log before the message is ready again: "gone" means empty for a whole second.
        for (var emptySince = DateTime.UtcNow; deliveries < limit && DateTime.UtcNow - emptySince < TimeSpan.FromSeconds(1);)
        {
            if (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is not { } delivery)
            {
                await Task.Delay(50, cancellationToken);
                continue;
            }
            deliveries++;
            await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: true, cancellationToken);
            emptySince = DateTime.UtcNow;
        }
        return deliveries;
    }

    /// <summary>Messages ready in <paramref name="queue"/>, or null when the queue does not exist.</summary>
    public async Task<uint?> CountAsync(string queue, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return null;
        }
    }

    /// <summary>Messages the broker holds in <paramref name="queue"/>: ready, and delivered but not yet acknowledged (as rabbitmqctl reports them).</summary>
    public async Task<(long Ready, long Unacknowledged)> DepthAsync(string queue, CancellationToken cancellationToken) =>
        (await DepthsAsync(cancellationToken))[queue];

    /// <summary>
    /// <see cref="DepthAsync"/> of every queue of this virtual host, from one rabbitmqctl call (each call starts an Erlang VM, about a second).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (long Ready, long Unacknowledged)>> DepthsAsync(CancellationToken cancellationToken)
    {
        var table = await Node.CtlAsync(["list_queues", "-q", "--no-table-headers", "-p", VirtualHost, "name", "messages_ready", "messages_unacknowledged"], cancellationToken);
        return table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .ToDictionary(r => r[0], r => (long.Parse(r[1]), long.Parse(r[2])));
    }

    private Task<IConnection> ConnectAsync(CancellationToken cancellationToken) =>
        new ConnectionFactory { HostName = "127.0.0.1", Port = Port, VirtualHost = VirtualHost, UserName = "guest", Password = "guest" }
            .CreateConnectionAsync(cancellationToken);
}
