using ImageSearch.ServiceDefaults;
using ImageSearch.VectorStore.Embedded;
using ImageSearch.VectorStore.Milvus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.VectorStore;

public static class VectorStoreExtensions
{
    /// <summary>
    /// Registers <see cref="IVectorStore"/> as a singleton chosen by <c>VectorStore:Kind</c> (Embedded by default, or Milvus),
    /// with <see cref="VectorStoreOptions"/> bound from section <c>VectorStore</c> and validated when the host starts.
    /// </summary>
    public static TBuilder AddVectorStore<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        // Idempotent: the standalone process composes the query API and the indexer, which both ask for the store.
        if (services.Any(d => d.ServiceType == typeof(IVectorStore)))
            return builder;
        builder.AddValidatedOptions<VectorStoreOptions>(VectorStoreOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<VectorStoreOptions>>().Value.Embedded);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<VectorStoreOptions>>().Value.Milvus);
        // The client lives in a singleton store, so it keeps its handler; pooled connections are recycled for DNS changes instead.
        services.AddHttpClient<MilvusRestClient>()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<EmbeddedVectorStore>();
        services.AddSingleton<MilvusVectorStore>(sp => new MilvusVectorStore(
            sp.GetRequiredService<MilvusRestClient>(), sp.GetRequiredService<MilvusStoreOptions>(), sp.GetRequiredService<ILogger<MilvusVectorStore>>()));
        services.AddSingleton<IVectorStore>(sp => sp.GetRequiredService<IOptions<VectorStoreOptions>>().Value.Kind switch
        {
            VectorStoreKind.Milvus => sp.GetRequiredService<MilvusVectorStore>(),
            _ => sp.GetRequiredService<EmbeddedVectorStore>(),
        });
        return builder;
    }
}
