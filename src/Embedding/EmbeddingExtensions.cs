using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Inference;
using ImageSearch.ServiceDefaults;
using ImageSearch.ServiceDefaults.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.Embedding;

public static class EmbeddingExtensions
{
    /// <summary>
    /// Binds and validates (at start) the <c>Embedding</c> section, and registers the <see cref="ImageEmbedder"/> singleton
    /// and the <see cref="ImageDecoder"/> it uses, plus <see cref="ImageFileReader"/> and <see cref="AllowedPaths"/> (the query API
    /// reads and decodes thumbnails with them, under the same limits and roots). Needs logging, as every host has.
    /// </summary>
    public static TBuilder AddEmbedding<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<EmbeddingOptions>(EmbeddingOptions.Section);
        var services = builder.Services;
        services.TryAddSingleton<ImageDecoder>();
        services.TryAddSingleton<AllowedPaths>();
        services.TryAddSingleton<ImageFileReader>();
        services.TryAddSingleton<ImageEmbedder>();
        return builder;
    }

    /// <summary>
    /// Warms the model up while the host starts (one full batch of a synthetic image) and adds the "model" readiness check,
    /// unhealthy until then. Register it before the bus, so nothing is consumed or answered before the model is ready.
    /// Safe to call twice (the standalone query API hosts the embedder consumer too).
    /// </summary>
    public static IServiceCollection AddModelWarmup(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ModelWarmup)))
            return services;
        services.AddSingleton<ModelWarmup>();
        services.AddHostedService(provider => provider.GetRequiredService<ModelWarmup>());
        services.AddHealthChecks().AddCheck<ModelWarmupHealthCheck>("model", tags: [HealthTags.Ready]);
        return services;
    }
}
