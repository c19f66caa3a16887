using ImageSearch.Contracts;
using ImageSearch.Embedding;
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
    // With the default 30 s ceiling, about an hour of waiting before the batch is given up to embed-image_error.
    private const int SourceOutageRetries = 120;

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
        UseBatchRetry(consumerConfigurator, _options);
    }

    /// <summary>
    /// On the consumer, so that the whole batch is retried. Storage that stopped answering, and a GPU with no memory left even
    /// for one image, are waited for much longer: not the images' fault, so they must not end in the error queue for it.
    /// </summary>
    internal static void UseBatchRetry<TConsumer>(IConsumerConfigurator<TConsumer> consumerConfigurator, EmbedderOptions options)
        where TConsumer : class
    {
        consumerConfigurator.UseMessageRetry(retry =>
        {
            retry.Handle<ImageSourceUnavailableException>();
            retry.Handle<GpuOutOfMemoryException>();
            retry.Exponential(SourceOutageRetries, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval);
        });
        consumerConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<ImageSourceUnavailableException>();
            retry.Ignore<GpuOutOfMemoryException>();
            retry.Exponential(options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval);
        });
    }
}
