using ImageSearch.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>
/// Queue <see cref="QueueNames.IndexImage"/> and batches from <see cref="IndexerOptions"/>, with <see cref="OutagePause"/>
/// watching the endpoint so that it can pause it. No retry filter: <see cref="BatchIndexing"/> owns the outage policy (retry in place,
/// then give the batch back and pause), and any other exception is a bug or poison batch that goes to
/// <c>index-image_error</c> at once (still durable).
/// </summary>
public sealed class IndexImagesConsumerDefinition : ConsumerDefinition<IndexImagesConsumer>
{
    private readonly IndexerOptions _options;
    private readonly OutagePause _pause;

    public IndexImagesConsumerDefinition(IOptions<IndexerOptions> options, OutagePause pause)
    {
        _options = options.Value;
        _pause = pause;
        EndpointName = QueueNames.IndexImage;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<IndexImagesConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        var capacity = _options.MessageLimit * _options.ConcurrencyLimit;
        endpointConfigurator.PrefetchCount = Math.Max(_options.PrefetchCount, capacity);
        endpointConfigurator.ConnectReceiveEndpointObserver(_pause.Endpoint);
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.MessageLimit)
            .SetTimeLimit(_options.TimeLimit)
            .SetConcurrencyLimit(_options.ConcurrencyLimit));
    }
}
