using ImageSearch.Contracts;
using ImageSearch.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Consumes <see cref="QueueNames.EmbedImageDeliveryLimit"/>, where a quorum embed queue moves a message (image or group) that
/// was delivered more than <see cref="BusOptions.DeliveryLimit"/> times without an acknowledgement: every embedder that
/// took it died or lost its connection first. <see cref="CrashIsolation"/> catches an image that kills embedders on one
/// host; this catches one that goes on killing them host after host. Each becomes the image's dead letter.
/// </summary>
public sealed class DeliveryLimitConsumer(IOptions<BusOptions> bus, ILogger<DeliveryLimitConsumer> logger) : IConsumer<EmbedImage>, IConsumer<EmbedImageGroup>
{
    public Task Consume(ConsumeContext<EmbedImage> context) =>
        DeadLetterAsync(context, context.Message, "");

    // Crash isolation takes a group apart one image at a time on every host it kills, so a group that still reaches the
    // limit has no culprit left to tell apart: each of its images gets the dead letter, and a replay retries them alone.
    public async Task Consume(ConsumeContext<EmbedImageGroup> context)
    {
        var images = context.Message.Images ?? [];
        foreach (var image in images)
            await DeadLetterAsync(context, image, $" (in a group of {images.Count})");
    }

    private async Task DeadLetterAsync(ConsumeContext context, EmbedImage image, string group)
    {
        await context.Publish(image.DeadLetter(DeadLetterReason.DecoderCrashed,
            $"delivery limit reached: delivered more than {bus.Value.DeliveryLimit} times{group}, and each time the embedder holding it died or disconnected before it was done"),
            context.CancellationToken);
        EmbedderMetrics.DeadLetters.WithLabels(nameof(DeadLetterReason.DecoderCrashed)).Inc();
        logger.LogWarning("Dead-lettered {ImageId} {Path}: delivery limit of {DeliveryLimit} reached", image.ImageId, image.Path, bus.Value.DeliveryLimit);
    }
}

/// <summary>Queue <see cref="QueueNames.EmbedImageDeliveryLimit"/>, fed only by the embed queues' dead-letter exchange.</summary>
public sealed class DeliveryLimitConsumerDefinition : ConsumerDefinition<DeliveryLimitConsumer>
{
    public DeliveryLimitConsumerDefinition() => EndpointName = QueueNames.EmbedImageDeliveryLimit;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeliveryLimitConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Not bound to the message types' exchanges: this queue must get only what the embed queues dead-letter, not every publish.
        endpointConfigurator.ConfigureConsumeTopology = false;
        consumerConfigurator.UseMessageRetry(retry => retry.Exponential(10, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1)));
    }
}
