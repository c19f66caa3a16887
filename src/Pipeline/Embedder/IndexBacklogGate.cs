using ImageSearch.Contracts;
using ImageSearch.ServiceDefaults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Backpressure from the indexers to the embedders: every <see cref="EmbedderOptions.BacklogCheckInterval"/> it reads how
/// many vectors wait in <see cref="QueueNames.IndexImage"/> and <see cref="QueueNames.IndexImageGroup"/> (<see cref="Backlog"/>), pauses <see cref="QueueNames.EmbedImage"/> and <see cref="QueueNames.EmbedImageGroup"/> at
/// <see cref="EmbedderOptions.MaxIndexBacklog"/> and resumes it at half (<see cref="ShouldPause"/>). Paused, the embedder
/// holds nothing: its unacknowledged messages go back to the broker, which is where a backlog belongs.
/// </summary>
public sealed class IndexBacklogGate(
    BrokerConnection queues,
    IOptions<EmbedderOptions> options,
    ILogger<IndexBacklogGate> logger) : BackgroundService
{
    public ReceiveEndpointSwitch Endpoint { get; } = new(QueueNames.EmbedImage, logger);

    public ReceiveEndpointSwitch GroupEndpoint { get; } = new(QueueNames.EmbedImageGroup, logger);

    // The broker counts messages, not vectors: a waiting group counts as the largest this process has published, and
    // before it has published any, as a batch of single images (Embedder:MessageLimit).
    private int _largestGroup = options.Value.MessageLimit;

    /// <summary>Notes the size of a group of vectors this process publishes.</summary>
    public void SawGroup(int vectors)
    {
        int largest;
        while (vectors > (largest = Volatile.Read(ref _largestGroup)))
            Interlocked.CompareExchange(ref _largestGroup, vectors, largest);
    }

    /// <summary>Vectors waiting for the indexers: the single ones, plus the groups at the largest group size seen.</summary>
    private long Backlog(long singles, long groups) => singles + groups * Volatile.Read(ref _largestGroup);

    /// <summary>Whether the embed queues should be paused, given whether they are and the vectors waiting in the index queues.</summary>
    /// <param name="max">The bound; 0 never pauses.</param>
    public static bool ShouldPause(bool paused, long backlog, int max) =>
        max > 0 && (paused ? backlog > max / 2 : backlog >= max);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var max = options.Value.MaxIndexBacklog;
        if (max == 0 || !queues.Enabled) // no broker to read on the in-memory transport
            return;
        using var timer = new PeriodicTimer(options.Value.BacklogCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            await CheckAsync(max, stoppingToken);
    }

    private async Task CheckAsync(int max, CancellationToken cancellationToken)
    {
        long backlog;
        try
        {
            backlog = Backlog(
                await queues.ReadyMessagesAsync(QueueNames.IndexImage, cancellationToken) ?? 0,
                await queues.ReadyMessagesAsync(QueueNames.IndexImageGroup, cancellationToken) ?? 0);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The broker is out: the bus reports that itself, and the embedder cannot consume either.
            logger.LogDebug("Could not read the depth of the index queues: {Error}", e.Message);
            return;
        }
        var pause = ShouldPause(Endpoint.IsPaused, backlog, max);
        foreach (var endpoint in (ReceiveEndpointSwitch[])[Endpoint, GroupEndpoint])
            if (pause && !endpoint.IsPaused)
                await endpoint.PauseAsync($"the index queues hold {backlog:N0} vectors, Embedder:MaxIndexBacklog is {max:N0}", cancellationToken);
            else if (!pause && endpoint.IsPaused)
                await endpoint.ResumeAsync($"the index queues are down to {backlog:N0} vectors", cancellationToken);
        EmbedderMetrics.PausedForBacklog.Set(Endpoint.IsPaused ? 1 : 0);
    }
}
