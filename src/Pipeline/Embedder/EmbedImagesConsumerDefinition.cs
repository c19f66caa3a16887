using ImageSearch.Embedding;
using ImageSearch.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Queue <see cref="QueueNames.EmbedImage"/>, batches from <see cref="EmbedderOptions"/>, and the failure policy. Bad images
/// never reach it (the consumer dead-letters them); what does is a failure of the whole batch: inference (ONNX Runtime
/// error, GPU out of memory) or publishing. The batch is retried with exponential backoff, then moves to <c>embed-image_error</c>.
/// <see cref="IndexBacklogGate"/> watches the endpoint, to pause it while the indexers are behind.
/// </summary>
public sealed class EmbedImagesConsumerDefinition : ConsumerDefinition<EmbedImagesConsumer>
{
    private readonly EmbedderOptions _options;
    private readonly IndexBacklogGate _backlog;

    public EmbedImagesConsumerDefinition(IOptions<EmbedderOptions> options, IndexBacklogGate backlog)
    {
        _options = options.Value;
        _backlog = backlog;
        EndpointName = QueueNames.EmbedImage;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<EmbedImagesConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _options.EffectivePrefetchCount;
        endpointConfigurator.ConnectReceiveEndpointObserver(_backlog.Endpoint);
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.MessageLimit)
            .SetTimeLimit(_options.TimeLimit)
            .SetConcurrencyLimit(_options.ConcurrencyLimit));
        // On the consumer, so that the whole batch is retried.
        consumerConfigurator.UseMessageRetry(retry =>
            retry.Exponential(_options.RetryLimit, _options.RetryMinInterval, _options.RetryMaxInterval, _options.RetryMinInterval));
    }
}
