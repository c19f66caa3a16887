using MassTransit;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>Counts the retries of the outage policy in <see cref="IndexerMetrics.OutageRetries"/>; it observes, it decides nothing.</summary>
internal sealed class OutageRetryCounter : IRetryObserver
{
    public Task PreRetry<T>(RetryContext<T> context)
        where T : class, PipeContext
    {
        IndexerMetrics.OutageRetries.Inc();
        return Task.CompletedTask;
    }

    public Task PostCreate<T>(RetryPolicyContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task PostFault<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task RetryFault<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task RetryComplete<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;
}
