using ImageSearch.Embedding;
using ImageSearch.Embedding.Inference;
using ImageSearch.ServiceDefaults;
using ImageSearch.ServiceDefaults.Monitoring;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.Pipeline.Embedder;

public static class EmbedderExtensions
{
    /// <summary>The embedder worker: monitoring endpoint (<c>Embedder:MetricsPort</c>), the model with its warm-up, and the bus with the embed consumers.</summary>
    public static TBuilder AddEmbedder<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        // First, so that /health/live answers and /health/ready says "warming up" while the model loads.
        builder.AddMonitoringEndpoint(builder.Configuration.GetValidatedOptions<EmbedderOptions>(EmbedderOptions.Section).MetricsPort);
        builder.AddEmbedderServices();
        var quorumQueues = builder.Configuration.GetValidatedOptions<BusOptions>(BusOptions.Section).QuorumQueues;
        builder.AddMessageBus(bus =>
        {
            bus.AddEmbedImagesConsumer();
            // Only quorum queues have a delivery limit, and so messages in embed-image_delivery-limit.
            if (quorumQueues)
                bus.AddDeliveryLimitConsumer();
        });
        return builder;
    }

    /// <summary>
    /// What the embed consumer needs, for a process that composes its own bus (the standalone mode): the embedding core
    /// (section <c>Embedding</c>), the <c>Embedder</c> options, the model warm-up and its readiness check (tag "ready"), and the
    /// crash isolation with its recovery at start. Call it before the bus is added, so the warm-up finishes before the first batch arrives.
    /// </summary>
    public static TBuilder AddEmbedderServices<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<EmbedderOptions>(EmbedderOptions.Section);
        EmbedderMetrics.Initialize();
        builder.AddEmbedding();
        builder.Services.AddModelWarmup();
        builder.Services.TryAddSingleton<CrashIsolation>();
        builder.Services.TryAddSingleton<BatchEmbedding>();
        builder.Services.AddHostedService<DecoderCrashRecovery>();
        builder.Services.AddSingleton<IndexBacklogGate>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IndexBacklogGate>());
        return builder;
    }

    /// <summary>The embed consumers: single images on <c>embed-image</c>, groups on <c>embed-image-group</c>.</summary>
    public static IBusRegistrationConfigurator AddEmbedImagesConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<EmbedImagesConsumer, EmbedImagesConsumerDefinition>();
        bus.AddConsumer<EmbedImageGroupConsumer, EmbedImageGroupConsumerDefinition>();
        return bus;
    }

    /// <summary>The consumer of <c>embed-image_delivery-limit</c>, for quorum queues (<see cref="DeliveryLimitConsumer"/>).</summary>
    public static IBusRegistrationConfigurator AddDeliveryLimitConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DeliveryLimitConsumer, DeliveryLimitConsumerDefinition>();
        return bus;
    }
}
