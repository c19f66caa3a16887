using ImageSearch.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace ImageSearch.Pipeline.Tests.Logging;

/// <summary>The logging every service gets from <see cref="ServiceDefaultsExtensions.AddServiceDefaults{TBuilder}"/>, rendered with its console template.</summary>
public sealed class LogLineTests
{
    [Fact]
    public void AValueHoldingALineBreakOrAnEscapeSequenceLogsAsOneLine()
    {
        var lines = new RenderedLines();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ApplicationName = "log-test" });
        builder.Services.AddSingleton<ILogEventSink>(lines); // taken in by Serilog's ReadFrom.Services, beside the console
        builder.AddServiceDefaults();
        using var host = builder.Build();

        host.Services.GetRequiredService<ILogger<LogLineTests>>().LogWarning(
            "Cannot read {Path} for {Labels}", "/photos/a.jpg\n[12:00:00 ERR] fake\u001b[2J", new[] { "cat\r\ndog" });

        var line = Assert.Single(lines.All);
        Assert.Equal(line.Length - 1, line.IndexOf('\n'));
        Assert.Contains(@"Cannot read /photos/a.jpg\n[12:00:00 ERR] fake\u001b[2J for [", line);
        Assert.DoesNotContain('\u001b', line);
    }

    private sealed class RenderedLines : ILogEventSink
    {
        private readonly MessageTemplateTextFormatter _template = new(ServiceDefaultsExtensions.ConsoleTemplate);

        public List<string> All { get; } = [];

        public void Emit(LogEvent logEvent)
        {
            using var text = new StringWriter();
            _template.Format(logEvent, text);
            lock (All)
                All.Add(text.ToString());
        }
    }
}
