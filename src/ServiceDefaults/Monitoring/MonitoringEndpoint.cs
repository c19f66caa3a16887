using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace ImageSearch.ServiceDefaults.Monitoring;

/// <summary>
/// A small HTTP server beside a worker: <c>/metrics</c> (Prometheus text format, the default registry, with the depths of
/// the worker's own error queues from <see cref="ErrorQueueGauge"/>),
/// <c>/health/ready</c> (checks tagged <see cref="HealthTags.Ready"/>: 200 when all are healthy, else 503) and
/// <c>/health/live</c> (200 while the process runs). Its own Kestrel, so a worker stays a plain generic host.
/// </summary>
internal sealed class MonitoringEndpoint(
    MonitoringPort port, HealthCheckService health, ILogger<MonitoringEndpoint> logger, ErrorQueueGauge? errorQueues = null)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Empty builder: no configuration files, no logging providers; only what the three routes need.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port.Value));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.MapMetrics("/metrics");
        app.Map("/health/live", (RequestDelegate)(context => context.Response.WriteAsync("Healthy", context.RequestAborted)));
        app.Map("/health/ready", (RequestDelegate)(context => WriteReadinessAsync(context)));
        await app.StartAsync(cancellationToken);
        _app = app;
        errorQueues?.Start();
        logger.LogInformation("Serving /metrics and /health on port {Port}", port.Value);
    }

    private async Task WriteReadinessAsync(HttpContext context)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(HealthTags.Ready), context.RequestAborted);
        context.Response.StatusCode = report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        var lines = report.Entries.Select(e => $"{e.Key}: {e.Value.Status}{(e.Value.Description is { } d ? $" ({d})" : "")}");
        await context.Response.WriteAsync($"{report.Status}\n{string.Join('\n', lines)}\n", context.RequestAborted);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        errorQueues?.Stop();
        if (_app is not null)
            await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}
