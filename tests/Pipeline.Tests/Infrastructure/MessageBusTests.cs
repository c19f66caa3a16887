using ImageSearch.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Tests;

/// <summary>What <see cref="MessageBusExtensions.AddMessageBus{TBuilder}"/> sets for every process.</summary>
public sealed class MessageBusTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    public async Task UsageTelemetryIsOffUnlessTurnedOn(string? setting, bool enabled)
    {
        using var folder = new TempFolder();
        var settings = new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory", ["Bus:UsageTelemetry"] = setting };
        await using var host = await PipelineHost.StartAsync(folder.Path, settings, builder => builder.AddMessageBus(_ => { }), TestContext.Current.CancellationToken);

        Assert.Equal(enabled, host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}
