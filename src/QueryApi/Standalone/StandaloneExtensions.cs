using ImageSearch.Pipeline;
using ImageSearch.ServiceDefaults;

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

    internal static bool IsEnabled(IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(StandaloneOptions.Section).GetValue<bool>(nameof(StandaloneOptions.Enabled));
}
