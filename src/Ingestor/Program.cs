using ImageSearch.Ingestor.Cli;
using Spectre.Console;

// ingestor publish <folder|glob|csv> · ingestor dead-letters list|replay — see docs/pipeline.md.
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 240; // a log file or pipe: keep each summary line whole instead of wrapping at 80
return await IngestorCommands.Create().Parse(args).InvokeAsync();
