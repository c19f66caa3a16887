using ImageSearch.DeadLetters;
using ImageSearch.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.Ingestor.Cli;

/// <summary>
/// The CLI's services: configuration, logging (to stderr, warnings by default), the journal, the error queues (nothing
/// connects until a command reads them), and optionally the bus.
/// </summary>
internal static class IngestorHost
{
    /// <summary>How long to wait for the broker before giving up with a clear error.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static IHost Build(IEnumerable<KeyValuePair<string, string?>> overrides, bool withBus)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.AddServiceDefaults();
        builder.AddDeadLetterJournal();
        builder.AddErrorQueues();
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        if (withBus)
            builder.AddMessageBus(_ => { });
        return builder.Build();
    }

    /// <summary>Starts the host, bus included; false (after saying why) when the broker cannot be reached in time, or on an interrupt.</summary>
    public static async Task<bool> TryStartAsync(IHost host, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is OperationCanceledException or MassTransit.RabbitMqConnectionException)
        {
            await ReportUnreachableAsync(host, $"within {ConnectTimeout.TotalSeconds:N0} s");
            return false;
        }
    }

    /// <summary>Says that the broker of the host's settings could not be reached, and <paramref name="why"/>.</summary>
    public static Task ReportUnreachableAsync(IHost host, string why) =>
        Console.Error.WriteLineAsync($"error: could not connect to RabbitMQ at {host.Services.GetRequiredService<BrokerConnection>().Address} {why}");
    /// <summary>The command's own lifetime: it runs and returns; Ctrl-C and SIGTERM belong to <see cref="InterruptSignals"/>.</summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
