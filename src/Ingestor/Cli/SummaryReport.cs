using ImageSearch.Ingestion.Publishing;
using Spectre.Console;

namespace ImageSearch.Ingestor.Cli;

/// <summary>The end-of-run report: published, skipped and failed, each reason with its count and one example.</summary>
internal static class SummaryReport
{
    public static void Write(PublishSummary summary, string source)
    {
        var rate = summary.Elapsed.TotalSeconds > 0 ? summary.Published / summary.Elapsed.TotalSeconds : 0;
        var verb = summary.DryRun ? "Would publish" : "Published";
        AnsiConsole.MarkupLine($"[bold]{verb} {summary.Published:N0}[/] images from {Markup.Escape(source)} in {summary.Elapsed:hh\\:mm\\:ss\\.f} ({rate:N0}/s)");
        WriteReasons("Skipped", "yellow", summary.Skipped, summary.SkippedBy);
        WriteReasons("Failed", "red", summary.Failed, summary.FailedBy);
        if (summary.StoppedOnFailures)
            AnsiConsole.MarkupLine("[red]Stopped after several failed batches in a row: the rest of the source was not read.[/]");
        if (summary.Cancelled)
            AnsiConsole.MarkupLine("[yellow]Interrupted: the rest of the source was not read.[/]");
    }

    private static void WriteReasons(string title, string colour, long count, IReadOnlyList<ReasonTally> reasons)
    {
        AnsiConsole.MarkupLine($"[{colour}]{title} {count:N0}[/]");
        foreach (var reason in reasons)
            AnsiConsole.MarkupLine($"  {reason.Count,10:N0}  {Markup.Escape(reason.Reason)}  [grey](e.g. {Markup.Escape(reason.Example)})[/]");
    }
}
