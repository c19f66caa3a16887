using ImageSearch.Embedder.Imaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImageSearch.Embedder;

public static class EmbeddingServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates (at start) the <c>Embedding</c> section, and registers the <see cref="ImageEmbedder"/> singleton
    /// and the <see cref="ImageDecoder"/> it uses, plus <see cref="ImageFileReader"/> and <see cref="AllowedPaths"/> (the query API
    /// reads and decodes thumbnails with them, under the same limits and roots). Needs logging, as every host has.
    /// </summary>
    public static IServiceCollection AddEmbedding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmbeddingOptions>()
            .Bind(configuration.GetSection(EmbeddingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<ImageDecoder>();
        services.TryAddSingleton<AllowedPaths>();
        services.TryAddSingleton<ImageFileReader>();
        services.TryAddSingleton<ImageEmbedder>();
        return services;
    }
}
