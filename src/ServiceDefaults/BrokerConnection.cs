using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ImageSearch.ServiceDefaults;

/// <summary>
/// A plain AMQP connection to the bus's broker, beside MassTransit's own, for what MassTransit does not offer: reading
/// queue depths and moving messages out of error queues. Opened on first use and reopened after a failure, so a process
/// that never asks costs the broker nothing. Only for the RabbitMQ transport.
/// </summary>
public sealed class BrokerConnection(BusOptions bus, string clientName) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;

    public bool Enabled => bus.Transport == BusTransport.RabbitMq;

    /// <summary>Where the broker is, for error messages.</summary>
    public string Address => $"{bus.Host}:{bus.Port} (vhost '{bus.VirtualHost}')";

    /// <exception cref="InvalidOperationException">The bus is not RabbitMQ.</exception>
    /// <exception cref="BrokerUnreachableException">The broker does not answer.</exception>
    public async Task<IConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
            throw new InvalidOperationException($"Bus:Transport is {bus.Transport}: there is no broker to read queues from");
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true })
                return _connection;
            if (_connection is not null)
                await _connection.DisposeAsync();
            var factory = new ConnectionFactory
            {
                HostName = bus.Host,
                Port = bus.Port,
                VirtualHost = bus.VirtualHost,
                UserName = bus.Username,
                Password = bus.Password,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
                ClientProvidedName = clientName,
            };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>
    /// Messages ready in <paramref name="queue"/> (not those delivered and unacknowledged), from a passive declare: the
    /// broker answers from its own count and no message is touched. Null when the queue does not exist.
    /// </summary>
    public async Task<uint?> ReadyMessagesAsync(string queue, CancellationToken cancellationToken)
    {
        var connection = await GetAsync(cancellationToken);
        // A passive declare of a missing queue closes its channel, so each read gets a channel of its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
            await _connection.DisposeAsync();
        _connecting.Dispose();
    }
}
