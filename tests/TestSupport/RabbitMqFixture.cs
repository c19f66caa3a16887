using Xunit;


namespace ImageSearch.TestSupport;

/// <summary>
/// One private RabbitMQ node for the whole test run (it takes seconds to start), and a virtual host of its own for
/// each test, so tests that run in parallel never see each other's queues. Skips tests, saying why, where it cannot run.
/// </summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    private const int VirtualHosts = 40;
    private RabbitMqNode? _node;
    private string? _unavailable;
    private Exception? _failedToStart;
    private int _nextVirtualHost = -1;

    public async ValueTask InitializeAsync()
    {
        _unavailable = RabbitMqNode.WhyUnavailable();
        if (_unavailable is not null)
            return;
        try
        {
            _node = await RabbitMqNode.StartAsync(VirtualHosts, TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Installed but broken is a failure, not a skip: the broker tests fail with this, the others still run.
            _failedToStart = e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
            await _node.DisposeAsync();
    }

    /// <summary>A virtual host no other test uses; skips the calling test when no broker can run here.</summary>
    public Broker NewBroker()
    {
        if (_failedToStart is not null)
            throw new InvalidOperationException("the test RabbitMQ node failed to start", _failedToStart);
        Prerequisite.Require(_unavailable is null ? null : $"RabbitMQ tests need a local node: {_unavailable}");
        var node = _node!;
        var index = Interlocked.Increment(ref _nextVirtualHost);
        if (index >= node.VirtualHosts.Count)
            throw new InvalidOperationException($"more than {node.VirtualHosts.Count} broker tests: raise RabbitMqFixture.VirtualHosts");
        return new Broker(node, node.VirtualHosts[index]);
    }
}
