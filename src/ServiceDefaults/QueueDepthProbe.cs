using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ImageSearch.ServiceDefaults;

/// <summary>
/// Reads how many messages wait in a pipeline queue with a passive declare (the broker answers from its own count; no
/// message is touched). One connection of its own, opened on first use and reopened after a failure; only for the
/// RabbitMQ transport. The query API's gauges and the embedders' backlog check read through it.
/// </summary>
public sealed class QueueDepthProbe(IOptions<BusOptions> options, IHostEnvironment environment) : IAsyncDisposable
{
    private readonly BusOptions _bus = options.Value;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;

    public bool Enabled => _bus.Transport == BusTransport.RabbitMq;

    /// <summary>Ready messages in <paramref name="queue"/>; null when the queue does not exist yet.</summary>
    public async Task<uint?> ReadyMessagesAsync(string queue, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
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

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true })
                return _connection;
            if (_connection is not null)
                await _connection.DisposeAsync();
            var factory = new ConnectionFactory
            {
                HostName = _bus.Host,
                Port = _bus.Port,
                VirtualHost = _bus.VirtualHost,
                UserName = _bus.Username,
                Password = _bus.Password,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                ClientProvidedName = $"{environment.ApplicationName}-queue-depth",
            };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
            await _connection.DisposeAsync();
    }
}
