using ImageSearch.DeadLetters;
using ImageSearch.Pipeline.Indexer;
using ImageSearch.ServiceDefaults;
using ImageSearch.ServiceDefaults.Monitoring;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.Pipeline.Indexer;

public static class IndexerExtensions
{
    /// <summary>
    /// The indexer worker: monitoring endpoint (<c>Indexer:MetricsPort</c>), its services, and its bus with the dead-letter
    /// recorder unless <c>DeadLetters:Record</c> is false.
    /// </summary>
    public static TBuilder AddIndexer<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddMonitoringEndpoint(builder.Configuration.GetValidatedOptions<IndexerOptions>(IndexerOptions.Section).MetricsPort);
        builder.AddIndexerServices();
        var recordDeadLetters = builder.Configuration.GetValidatedOptions<DeadLetterOptions>(DeadLetterOptions.Section).Record;
        builder.AddMessageBus(bus =>
        {
            bus.AddIndexImagesConsumer();
            if (recordDeadLetters)
                bus.AddDeadLetterRecorder();
        });
        return builder;
    }

    /// <summary>
    /// What the indexer consumer needs, for a process that composes its own bus (the standalone mode): options, store,
    /// journal, the outage record and pause, and the readiness check of the store's writes (tag "ready").
    /// </summary>
    public static TBuilder AddIndexerServices<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<IndexerOptions>(IndexerOptions.Section);
        IndexerMetrics.Initialize();
        builder.AddVectorStore();
        builder.Services.TryAddSingleton<EnsuredCollections>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StoreOutage>();
        builder.Services.AddSingleton<OutagePause>();
        builder.Services.AddSingleton<VectorBatchWriter>();
        builder.Services.AddSingleton<BatchIndexing>();
        builder.Services.AddHostedService<IndexerStoreOpener>(); // before the bus's own hosted service: see its summary
        builder.Services.AddHealthChecks().AddCheck<StoreOutageHealthCheck>(StoreOutageHealthCheck.Name, tags: [HealthTags.Ready]);
        builder.AddDeadLetterJournal();
        return builder;
    }

    /// <summary>The index consumers: single vectors on <c>index-image</c>, groups on <c>index-image-group</c>.</summary>
    public static IBusRegistrationConfigurator AddIndexImagesConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<IndexImagesConsumer, IndexImagesConsumerDefinition>();
        bus.AddConsumer<IndexImageGroupsConsumer, IndexImageGroupsConsumerDefinition>();
        return bus;
    }
}
