using MassTransit;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// At start, before the bus, opens this process's crash marker (a folder that cannot hold it stops the start); once the bus
/// is up, dead-letters the images that killed embedders here before, so the trace of a crash is published even when no
/// redelivered message comes to this process. (A batch with redelivered messages does the same before it decodes.)
/// </summary>
internal sealed class DecoderCrashRecovery(CrashIsolation isolation, IBus bus) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        isolation.OpenMarker();
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => isolation.DeadLetterOrphansAsync(bus, cancellationToken);

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
