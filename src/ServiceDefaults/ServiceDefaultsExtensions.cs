using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace ImageSearch.ServiceDefaults;

/// <summary>What every process of the pipeline shares: structured logging configured from configuration.</summary>
public static class ServiceDefaultsExtensions
{
    internal const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}";

    /// <summary>
    /// Serilog from the <c>Serilog</c> configuration section (levels, sinks, enrichers). Without configured sinks it
    /// writes structured lines to the console: the message plus every property as JSON, so the ids in a log line can be grepped.
    /// Control characters in property values are escaped, so one event is always one line.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        var application = builder.Environment.ApplicationName;
        builder.Services.AddSerilog((services, logger) =>
        {
            // Quiet defaults first, so that configuration can override them.
            logger.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("System", LogEventLevel.Warning)
                // One Information line per message whose delivery is cancelled (a batch handed back to the broker during
                // a pause): thousands of lines that say nothing a stage does not log once. Faults are Error and stay.
                .MinimumLevel.Override("MassTransit.ReceiveTransport", LogEventLevel.Warning)
                .ReadFrom.Configuration(configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Application", application)
                .Enrich.With<ControlCharacterEscaping>(); // last: it covers what the others add
            if (!configuration.GetSection("Serilog:WriteTo").Exists())
                logger.WriteTo.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Verbose);
        });
        return builder;
    }
}
