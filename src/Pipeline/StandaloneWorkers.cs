using ImageSearch.DeadLetters;
using ImageSearch.Pipeline.Embedder;
using ImageSearch.Pipeline.Indexer;
using ImageSearch.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.Pipeline;

/// <summary>Every stage in one process over MassTransit's in-memory transport: the query API's standalone mode and the in-process ingest benchmark.</summary>
public static class StandaloneWorkers
{
    /// <summary>
    /// The embedder's and the indexer's services over the in-memory transport; their consumers join the bus through
    /// <see cref="AddStandaloneConsumers"/>.
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
}
