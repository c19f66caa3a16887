using ImageSearch.Ingestion.Publishing;
using ImageSearch.Ingestion.Sources;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi.Standalone;

/// <summary>
/// Publishes <c>Standalone:Ingest</c> through the ingestor's own sources and publisher once the host (and its bus) has
/// started; the embedder and indexer consumers of this same process take it from there.
/// </summary>
internal sealed class IngestOnStart(
    IBus bus, IOptions<StandaloneOptions> options, IHostApplicationLifetime lifetime, ILogger<IngestOnStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await StartedAsync(stoppingToken))
            return;
        var publisher = new BulkPublisher(bus);
        foreach (var source in options.Value.Ingest)
        {
            try
            {
                var summary = await publisher.PublishAsync(ImageSources.Open(source), new BulkPublishOptions(), new PublishTally(), stoppingToken);
                logger.LogInformation("Ingesting {Source}: {Published} images published, {Skipped} skipped, {Failed} failed",
                    source, summary.Published, summary.Skipped, summary.Failed);
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                logger.LogError("Cannot ingest {Source}: {Error}", source, e.Message);
            }
        }
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var onStarted = lifetime.ApplicationStarted.Register(started.SetResult);
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}
