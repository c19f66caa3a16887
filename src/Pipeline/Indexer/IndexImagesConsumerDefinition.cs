using ImageSearch.Contracts;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>
/// Queue <see cref="QueueNames.IndexImage"/>, batches from <see cref="IndexerOptions"/>, and the outage policy:
/// while the store is unavailable the batch is retried with exponential backoff and no limit. The retry is the pause:
/// the process holds at most its prefetch, every other message waits in the durable queue, and nothing reaches
/// the error queue because of an outage. Any other exception fails the batch to <c>index-image_error</c> as usual.
/// </summary>
public sealed class IndexImagesConsumerDefinition : ConsumerDefinition<IndexImagesConsumer>
{
    private readonly IndexerOptions _options;

    public IndexImagesConsumerDefinition(IOptions<IndexerOptions> options)
    {
        _options = options.Value;
        EndpointName = QueueNames.IndexImage;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<IndexImagesConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        var capacity = _options.MessageLimit * _options.ConcurrencyLimit;
        endpointConfigurator.PrefetchCount = Math.Max(_options.PrefetchCount, capacity);
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.MessageLimit)
            .SetTimeLimit(_options.TimeLimit)
            .SetConcurrencyLimit(_options.ConcurrencyLimit));
        // Configured on the consumer, so that it retries the whole batch. MassTransit computes the exponential
        // intervals only up to the cap, so an unbounded limit costs no memory.
        consumerConfigurator.UseMessageRetry(retry =>
        {
            retry.Handle<StoreUnavailableException>();
            retry.ConnectRetryObserver(new OutageRetryCounter());
            retry.Exponential(int.MaxValue, _options.RetryMinInterval, _options.RetryMaxInterval, _options.RetryMinInterval);
        });
    }
}
