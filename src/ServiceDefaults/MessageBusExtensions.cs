using System.Text.Json;
using ImageSearch.Contracts;
using ImageSearch.ServiceDefaults.Monitoring;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.ServiceDefaults;

/// <summary>The one place where a process joins the message bus.</summary>
public static class MessageBusExtensions
{
    /// <summary>
    /// MassTransit over the transport named by <c>Bus:Transport</c>. Consumer definitions own their endpoint settings
    /// (queue name from <see cref="QueueNames"/>, batch size, retry); this method owns what every endpoint shares:
    /// durable queues, publisher confirms, a bounded prefetch, and queues that exist before their first message.
    /// </summary>
    /// <param name="consumers">Adds this process's consumers; a publish-only process (the CLI) adds none.</param>
    public static TBuilder AddMessageBus<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator> consumers)
        where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Configuration.GetValidatedOptions<BusOptions>(BusOptions.Section);
        builder.AddValidatedOptions<BusOptions>(BusOptions.Section);
        var connectionName = builder.Environment.ApplicationName;
        builder.AddBrokerConnection();
        builder.Services.TryAddSingleton<ErrorQueueGauge>();

        builder.Services.AddMassTransit(bus =>
        {
            consumers(bus);
            bus.ConfigureUsageTelemetryOptions(telemetry => telemetry.Enabled = options.UsageTelemetry);
            bus.AddConfigureEndpointsCallback((context, queue, endpoint) =>
            {
                context.GetRequiredService<ErrorQueueGauge>().Consumes(queue);
                // The bus-wide SetQuorumQueue does not reach endpoints made by ConfigureEndpoints: set it on each.
                if (options.QuorumQueues && endpoint is IRabbitMqReceiveEndpointConfigurator rabbitMq)
                    PipelineQueues.ConfigureQuorum(rabbitMq, queue, options);
            });
            if (options.Transport == BusTransport.InMemory)
                bus.UsingInMemory((context, cfg) =>
                {
                    cfg.ConfigureJsonSerializerOptions(Compact);
                    cfg.ConfigureEndpoints(context);
                });
            else
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.ConfigureJsonSerializerOptions(Compact);
                    cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, connectionName, host =>
                    {
                        host.Username(options.Username);
                        host.Password(options.Password);
                        // On by default in MassTransit 8; stated because "published" must mean "the broker has it".
                        host.PublisherConfirmation = true;
                    });
                    cfg.PrefetchCount = options.PrefetchCount;
                    PipelineQueues.DeclareOnPublish(cfg, options);
                    cfg.ConfigureEndpoints(context);
                });
        });

        // A service is not "started" until its bus is connected; stopping lets in-flight batches finish.
        builder.Services.Configure<MassTransitHostOptions>(host =>
        {
            host.WaitUntilStarted = true;
            host.StopTimeout = options.StopTimeout;
        });
        return builder;
    }

    /// <summary>
    /// <see cref="BrokerConnection"/> to the broker of <c>Bus:*</c>, for reading queue depths and moving messages between
    /// queues. Independent of <see cref="AddMessageBus{TBuilder}"/>: a process may use one, the other, or both.
    /// </summary>
    public static TBuilder AddBrokerConnection<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Configuration.GetValidatedOptions<BusOptions>(BusOptions.Section);
        var clientName = $"{builder.Environment.ApplicationName} (queue admin)";
        builder.Services.TryAddSingleton(_ => new BrokerConnection(options, clientName));
        return builder;
    }

    // MassTransit indents its JSON by default: a third of a 512-d v1 vector message was whitespace.
    private static JsonSerializerOptions Compact(JsonSerializerOptions json)
    {
        json.WriteIndented = false;
        return json;
    }
}
