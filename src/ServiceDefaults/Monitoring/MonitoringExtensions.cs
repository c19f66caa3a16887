using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.ServiceDefaults.Monitoring;

public static class MonitoringExtensions
{
    /// <summary>
    /// Serves <c>/metrics</c>, <c>/health/ready</c> and <c>/health/live</c> on <paramref name="port"/> (all interfaces);
    /// 0 serves nothing (a process that composes several stages exposes its metrics its own way). Health checks are
    /// registered either way, so a host with its own HTTP pipeline can map them.
    /// </summary>
    public static TBuilder AddMonitoringEndpoint<TBuilder>(this TBuilder builder, int port)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        builder.Services.AddHealthChecks();
        if (port > 0)
        {
            builder.Services.AddSingleton(new MonitoringPort(port));
            builder.Services.AddHostedService<MonitoringEndpoint>();
        }
        return builder;
    }
}
