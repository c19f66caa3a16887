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
    public static void DeclareOnPublish(IRabbitMqBusFactoryConfigurator cfg, bool quorum)
    {
        Bind<EmbedImage>(cfg, QueueNames.EmbedImage, quorum);
        Bind<ImageEmbedded>(cfg, QueueNames.IndexImage, quorum);
        Bind<ImageDeadLettered>(cfg, QueueNames.DeadLetters, quorum);
    }

    private static void Bind<T>(IRabbitMqBusFactoryConfigurator cfg, string queue, bool quorum)
        where T : class =>
        cfg.Publish<T>(publish => publish.BindQueue(publish.Exchange.ExchangeName, queue, binding =>
        {
            if (quorum)
                binding.SetQuorumQueue();
        }));
}
