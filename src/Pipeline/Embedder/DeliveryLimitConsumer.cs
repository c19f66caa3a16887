using ImageSearch.Contracts;
using ImageSearch.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Consumes <see cref="QueueNames.EmbedImageDeliveryLimit"/>, where a quorum <c>embed-image</c> queue moves a message that
/// was delivered more than <see cref="BusOptions.DeliveryLimit"/> times without an acknowledgement: every embedder that
/// took it died or lost its connection first. <see cref="CrashIsolation"/> catches an image that kills embedders on one
/// host; this catches one that goes on killing them host after host. Each becomes the image's dead letter.
/// </summary>
public sealed class DeliveryLimitConsumer(IOptions<BusOptions> bus, ILogger<DeliveryLimitConsumer> logger) : IConsumer<EmbedImage>
{
    public async Task Consume(ConsumeContext<EmbedImage> context)
    {
        var image = context.Message;
        await context.Publish(image.DeadLetter(DeadLetterReason.DecoderCrashed,
            $"delivery limit reached: delivered more than {bus.Value.DeliveryLimit} times, and each time the embedder holding it died or disconnected before it was done"),
            context.CancellationToken);
        EmbedderMetrics.DeadLetters.WithLabels(nameof(DeadLetterReason.DecoderCrashed)).Inc();
        logger.LogWarning("Dead-lettered {ImageId} {Path}: delivery limit of {DeliveryLimit} reached", image.ImageId, image.Path, bus.Value.DeliveryLimit);
    }
}

/// <summary>Queue <see cref="QueueNames.EmbedImageDeliveryLimit"/>, fed only by <c>embed-image</c>'s dead-letter exchange.</summary>
public sealed class DeliveryLimitConsumerDefinition : ConsumerDefinition<DeliveryLimitConsumer>
{
    public DeliveryLimitConsumerDefinition() => EndpointName = QueueNames.EmbedImageDeliveryLimit;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeliveryLimitConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Not bound to the EmbedImage exchange: this queue must get only what embed-image dead-letters, not every publish.
        endpointConfigurator.ConfigureConsumeTopology = false;
        consumerConfigurator.UseMessageRetry(retry => retry.Exponential(10, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1)));
    }
}
