using System.CommandLine;
using ImageSearch.Ingestor.Cli;
using Spectre.Console;

namespace ImageSearch.Ingestor;

/// <summary>
/// <c>ingestor publish &lt;folder|glob|csv&gt;</c> · <c>ingestor dead-letters list|replay</c> ·
/// <c>ingestor errors list|requeue|to-journal</c> — see docs/pipeline.md.
/// In a namespace, not top-level statements, so that projects referencing this one keep their own <c>Program</c>.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 240; // a log file or pipe: keep each summary line whole instead of wrapping at 80
        using var signals = new InterruptSignals();
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await IngestorCommands.Create().Parse(args).InvokeAsync(invocation, signals.Token);
    }
}
