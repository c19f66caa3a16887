using ImageSearch.DeadLetters;
using ImageSearch.Embedder;
using ImageSearch.Indexer;
using ImageSearch.ServiceDefaults;
using MassTransit;

namespace ImageSearch.QueryApi.Standalone;

public static class StandaloneExtensions
{
    /// <summary>
    /// With <c>Standalone:Enabled</c>, this process also hosts the embedder and the indexer over the in-memory transport,
    /// and publishes <c>Standalone:Ingest</c> at start. Call before <see cref="QueryApiExtensions.AddQueryApiBus{TBuilder}"/>.
    /// </summary>
    public static WebApplicationBuilder AddStandalonePipeline(this WebApplicationBuilder builder)
    {
        if (!IsEnabled(builder))
            return builder;
        builder.AddValidatedOptions<StandaloneOptions>(StandaloneOptions.Section);
        builder.AddStandaloneWorkers();
        builder.Services.AddHostedService<IngestOnStart>();
        return builder;
    }

    /// <summary>
    /// The embedder's and the indexer's services over the in-memory transport; their consumers join the bus through
    /// <see cref="AddStandaloneConsumers"/>. Also composed by the in-process ingest benchmark.
    /// </summary>
    public static TBuilder AddStandaloneWorkers<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        // Highest priority: the in-memory transport is what makes this one process, whatever appsettings.json says.
        builder.Configuration.AddInMemoryCollection([new($"{BusOptions.Section}:{nameof(BusOptions.Transport)}", nameof(BusTransport.InMemory))]);
        builder.AddEmbedderServices();
        builder.AddIndexerServices();
        return builder;
    }

    /// <summary>The consumers that the worker processes would otherwise host.</summary>
    public static IBusRegistrationConfigurator AddStandaloneConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddEmbedImagesConsumer().AddIndexImagesConsumer().AddDeadLetterRecorder();

    internal static bool IsEnabled(IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(StandaloneOptions.Section).GetValue<bool>(nameof(StandaloneOptions.Enabled));
}
