using ImageSearch.Contracts;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.QueryApi.Tests;

/// <summary>The <see cref="EmbedImage"/> messages the API publishes, caught on a receive endpoint of its own (in-memory) bus.</summary>
internal sealed class EmbedImageCapture : IAsyncDisposable
{
    private readonly List<EmbedImage> _messages = [];
    private HostReceiveEndpointHandle? _handle;

    /// <summary>What has arrived so far (a copy: the endpoint keeps adding while the test reads).</summary>
    public IReadOnlyList<EmbedImage> Messages
    {
        get
        {
            lock (_messages)
                return [.. _messages];
        }
    }

    public static async Task<EmbedImageCapture> StartAsync(IServiceProvider services, string endpoint)
    {
        var capture = new EmbedImageCapture();
        capture._handle = services.GetRequiredService<IBus>().ConnectReceiveEndpoint(endpoint, e => e.Handler<EmbedImage>(context =>
        {
            lock (capture._messages)
                capture._messages.Add(context.Message);
            return Task.CompletedTask;
        }));
        await capture._handle.Ready;
        return capture;
    }

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null)
            await _handle.StopAsync(TestContext.Current.CancellationToken);
    }
}
