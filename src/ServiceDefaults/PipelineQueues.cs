using ImageSearch.Contracts;
using MassTransit;

namespace ImageSearch.ServiceDefaults;

/// <summary>
/// Makes the pipeline's queues exist as soon as anything is published to them. RabbitMQ drops a message published to
/// an exchange with no queue bound, so without this the first `publish` run before any embedder has ever started
/// would lose every message. Each publisher binds the consumer's durable queue (same name and arguments as the
/// consumer declares) to the message type's exchange; once the consumer binds too, RabbitMQ still delivers one copy.
/// </summary>
internal static class PipelineQueues
{
    public static void DeclareOnPublish(IRabbitMqBusFactoryConfigurator cfg, BusOptions options)
    {
        Bind<EmbedImage>(cfg, QueueNames.EmbedImage, options);
        Bind<EmbedImageGroup>(cfg, QueueNames.EmbedImageGroup, options);
        Bind<ImageEmbedded>(cfg, QueueNames.IndexImage, options);
        Bind<ImageEmbeddedGroup>(cfg, QueueNames.IndexImageGroup, options);
        Bind<ImageDeadLettered>(cfg, QueueNames.DeadLetters, options);
    }

    /// <summary>
    /// Makes <paramref name="queue"/> a quorum queue, with the arguments its consumer and every publisher must declare alike.
    /// The embed queues (<c>embed-image</c>, <c>embed-image-group</c>) also get a delivery limit and a dead-letter exchange: a message whose deliveries keep ending with
    /// the embedder's death (an image that crashes the native decoder on every host) is moved to
    /// <see cref="QueueNames.EmbedImageDeliveryLimit"/>, whose consumer dead-letters it. Without them RabbitMQ 4 would drop it
    /// after its default limit of 20, silently; RabbitMQ 3 would hand it out forever.
    /// </summary>
    public static void ConfigureQuorum(IRabbitMqQueueConfigurator queue, string? queueName, BusOptions options)
    {
        queue.SetQuorumQueue();
        if (queueName is not (QueueNames.EmbedImage or QueueNames.EmbedImageGroup))
            return;
        queue.SetQueueArgument("x-delivery-limit", options.DeliveryLimit);
        queue.SetQueueArgument("x-dead-letter-exchange", QueueNames.EmbedImageDeliveryLimit);
    }

    private static void Bind<T>(IRabbitMqBusFactoryConfigurator cfg, string queue, BusOptions options)
        where T : class =>
        cfg.Publish<T>(publish => publish.BindQueue(publish.Exchange.ExchangeName, queue, binding =>
        {
            if (options.QuorumQueues)
                ConfigureQuorum(binding, queue, options);
        }));
}
