using ImageSearch.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// <see cref="EmbedImageGroup"/> messages, each one batch for <see cref="BatchEmbedding"/> (<see cref="EmbedImageGroupConsumerDefinition"/>);
/// a redelivered group has every image redelivered. Its vectors go out as one <see cref="ImageEmbeddedGroup"/>.
/// </summary>
public sealed class EmbedImageGroupConsumer(BatchEmbedding embedding) : IConsumer<EmbedImageGroup>
{
    public Task Consume(ConsumeContext<EmbedImageGroup> context) =>
        embedding.EmbedAndPublishAsync(context, context.Message.Images ?? [], _ => context.ReceiveContext.Redelivered, group: true);
}

/// <summary>
/// Queue <see cref="QueueNames.EmbedImageGroup"/>: <see cref="EmbedderOptions.ConcurrencyLimit"/> groups embedded at once and
/// as many more prefetched, so the next group is here when one finishes but replicas still share the queue. The failure
/// policy is the single messages' (<see cref="EmbedImagesConsumerDefinition.UseBatchRetry"/>), and
/// <see cref="IndexBacklogGate"/> pauses this queue too.
/// </summary>
public sealed class EmbedImageGroupConsumerDefinition : ConsumerDefinition<EmbedImageGroupConsumer>
{
    private readonly EmbedderOptions _options;
    private readonly IndexBacklogGate _backlog;

    public EmbedImageGroupConsumerDefinition(IOptions<EmbedderOptions> options, IndexBacklogGate backlog)
    {
        _options = options.Value;
        _backlog = backlog;
        EndpointName = QueueNames.EmbedImageGroup;
        ConcurrentMessageLimit = _options.ConcurrencyLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<EmbedImageGroupConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = 2 * _options.ConcurrencyLimit;
        endpointConfigurator.ConnectReceiveEndpointObserver(_backlog.GroupEndpoint);
        EmbedImagesConsumerDefinition.UseBatchRetry(consumerConfigurator, _options);
    }
}
