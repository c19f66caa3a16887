using ImageSearch.QueryApi.Security;
using ImageSearch.DeadLetters;
using ImageSearch.Embedding;
using ImageSearch.Pipeline;
using ImageSearch.QueryApi.Errors;
using ImageSearch.QueryApi.Health;
using ImageSearch.QueryApi.Images;
using ImageSearch.QueryApi.Insert;
using ImageSearch.QueryApi.Metrics;
using ImageSearch.QueryApi.Search;
using ImageSearch.QueryApi.Standalone;
using ImageSearch.ServiceDefaults;
using ImageSearch.VectorStore;
using MassTransit;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using Scalar.AspNetCore;
using Serilog;

namespace ImageSearch.QueryApi;

public static class QueryApiExtensions
{
    /// <summary>Everything the endpoints use, except the message bus (<see cref="AddQueryApiBus{TBuilder}"/>).</summary>
    public static WebApplicationBuilder AddQueryApi(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<QueryApiOptions>(QueryApiOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<QueryApiOptions>, QueryApiOptionsValidator>();
        builder.Services.AddSingleton<ApiKey>();
        var options = builder.Configuration.GetValidatedOptions<QueryApiOptions>(QueryApiOptions.Section);
        ConfigureRequestLimits(builder, options);

        builder.AddEmbedding();
        builder.AddVectorStore();
        FollowTheIndexersStore(builder);
        builder.AddDeadLetterJournal();
        builder.AddErrorQueues();
        builder.Services.TryAddSingleton<EnsuredCollections>();
        builder.Services.AddSingleton<ActiveCollection>();
        builder.Services.AddSingleton<UploadReader>();
        builder.Services.AddSingleton<ImageSearcher>();
        builder.Services.AddSingleton<ThumbnailRenderer>();
        builder.Services.AddSingleton<ImageInserter>();
        builder.Services.AddSingleton<UploadStore>();
        builder.Services.AddSingleton<InsertTracking>();
        builder.Services.AddSingleton<InsertProgress>();
        builder.Services.AddScoped<InsertQueue>();

        builder.Services.AddSingleton<ApiMetrics>();
        builder.Services.AddHostedService<PipelineGauges>();
        builder.Services.AddModelWarmup();
        builder.Services.AddHostedService<StoreOpener>();
        builder.Services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", timeout: TimeSpan.FromSeconds(5))
            .AddCheck<ErrorQueueHealthCheck>("error-queues", HealthStatus.Degraded, timeout: TimeSpan.FromSeconds(5));

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        // Binding failures (bad JSON, a query value of the wrong type) throw, so they reach the handler with their detail.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>
    /// The message bus: the one place where this process joins it. The API only publishes (queued inserts, replays); the
    /// standalone mode adds the embedder, indexer and dead-letter recorder consumers in the callback below.
    /// </summary>
    public static TBuilder AddQueryApiBus<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var standalone = StandaloneExtensions.IsEnabled(builder);
        builder.AddMessageBus(bus =>
        {
            bus.ConfigureHealthCheckOptions(health => health.Name = "bus");
            if (standalone)
                bus.AddStandaloneConsumers();
        });
        // The API only publishes: MassTransit's check, which judges by receive endpoints, would stay Healthy through an outage.
        builder.Services.AddHealthChecks().AddCheck<BrokerHealthCheck>("broker", timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>
    /// On a broker, an indexer process writes the embedded store and holds its writer lock: unless
    /// <c>VectorStore:Embedded:Role</c> says otherwise, this process follows the store (reads it, sees new rows within
    /// <c>FollowInterval</c>) and queues every insert for the pipeline. Alone (in-memory bus, or standalone with the
    /// indexer inside), it is the writer.
    /// </summary>
    private static void FollowTheIndexersStore(WebApplicationBuilder builder)
    {
        var role = $"{VectorStoreOptions.Section}:{nameof(VectorStoreOptions.Embedded)}:{nameof(EmbeddedStoreOptions.Role)}";
        var onBroker = builder.Configuration.GetValidatedOptions<BusOptions>(BusOptions.Section).Transport == BusTransport.RabbitMq;
        if (onBroker && !StandaloneExtensions.IsEnabled(builder) && builder.Configuration[role] is null)
            builder.Services.PostConfigure<VectorStoreOptions>(o => o.Embedded.Role = EmbeddedStoreRole.Follower);
    }

    public static WebApplication UseQueryApi(this WebApplication app)
    {
        // Outermost, so the log line has the final status: a refused upload is a 4xx at Information, not an error with a stack.
        app.UseSerilogRequestLogging(o => o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms");
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseHttpMetrics(o => o.SetMetricFactory(Prometheus.Metrics.WithCustomRegistry(app.Services.GetRequiredService<ApiMetrics>().Registry)));
        return app;
    }

    /// <summary>OpenAPI at /openapi/v1.json, its browsable reference at /scalar, Prometheus at /metrics.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<ApiMetrics>().Registry);
        return app;
    }

    /// <summary>Kestrel and the form reader bound a request as a whole; <see cref="UploadReader"/> then checks each file.</summary>
    private static void ConfigureRequestLimits(WebApplicationBuilder builder, QueryApiOptions options)
    {
        var largest = RequestLimits.AllUploads(options);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = largest);
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = largest;
            form.ValueCountLimit = 64;
        });
    }
}
