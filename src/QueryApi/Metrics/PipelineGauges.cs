using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using ImageSearch.DeadLetters.ErrorQueues;
using ImageSearch.ServiceDefaults;
using ImageSearch.VectorStore;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi.Metrics;

/// <summary>
/// Fills the pipeline gauges before a scrape: dead letters by reason from the journal, the depths of the pipeline queues
/// and of their error queues from the broker, and the collection's size. Each is read at most once per
/// <see cref="QueryApiOptions.PipelineStatsMaxAge"/>, so a scrape storm costs the journal and the broker nothing extra.
/// A source that fails leaves its last values and is logged.
/// </summary>
internal sealed class PipelineGauges(
    ApiMetrics metrics,
    DeadLetterJournal journal,
    IVectorStore store,
    ActiveCollection collection,
    BrokerConnection broker,
    ErrorQueueReader errorQueues,
    IOptions<QueryApiOptions> options,
    ILogger<PipelineGauges> logger) : IHostedService
{
    // The queues of the pipeline's stages (the dead-letter queue is counted in the journal instead).
    private static readonly string[] Queues = ErrorQueue.All.Where(q => q.Stage is not null).Select(q => q.Source).ToArray();

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private DateTime _refreshedAt = DateTime.MinValue;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.Registry.AddBeforeCollectCallback(RefreshAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (DateTime.UtcNow - _refreshedAt < options.Value.PipelineStatsMaxAge)
                return;
            await Task.WhenAll(Try("journal", ReadDeadLettersAsync), Try("store", ReadCollectionAsync), Try("broker", ReadQueuesAsync));
            _refreshedAt = DateTime.UtcNow;
        }
        finally
        {
            _refreshing.Release();
        }

        async Task Try(string source, Func<CancellationToken, Task> read)
        {
            try
            {
                await read(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Metrics could not read the {Source}", source);
            }
        }
    }

    private async Task ReadDeadLettersAsync(CancellationToken cancellationToken)
    {
        var counts = (await journal.CountByReasonAsync(cancellationToken)).ToDictionary(c => c.Reason);
        foreach (var reason in Enum.GetValues<DeadLetterReason>())
        {
            var count = counts.GetValueOrDefault(reason);
            metrics.DeadLetters.WithLabels(reason.ToString(), "open").Set(count?.Open ?? 0);
            metrics.DeadLetters.WithLabels(reason.ToString(), "replayed").Set(count?.Replayed ?? 0);
        }
    }

    private async Task ReadCollectionAsync(CancellationToken cancellationToken) =>
        metrics.CollectionImages.Set((await store.DescribeAsync(collection.Name, cancellationToken))?.Count ?? 0);

    private async Task ReadQueuesAsync(CancellationToken cancellationToken)
    {
        if (!broker.Enabled)
            return;
        foreach (var queue in Queues)
            if (await broker.ReadyMessagesAsync(queue, cancellationToken) is { } ready)
                metrics.QueueDepth.WithLabels(queue).Set(ready);
        foreach (var depth in await errorQueues.DepthsAsync(cancellationToken))
            metrics.ErrorQueueDepth.WithLabels(depth.Queue).Set(depth.Ready);
    }
}
