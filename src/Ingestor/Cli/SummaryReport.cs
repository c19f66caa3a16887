using ImageSearch.Ingestion.Publishing;
using Spectre.Console;

namespace ImageSearch.Ingestor.Cli;

/// <summary>
/// The end-of-run report: published, skipped and failed, each reason with its count and one example; then, by position
/// in the source, exactly what was not published and where <c>--resume</c> continues.
/// </summary>
internal static class SummaryReport
{
    public static void Write(PublishSummary summary, string source, CheckpointWriter? checkpoint)
    {
        var rate = summary.Elapsed.TotalSeconds > 0 ? summary.Published / summary.Elapsed.TotalSeconds : 0;
        var verb = summary.DryRun ? "Would publish" : "Published";
        var positions = summary.Positions;
        var resumed = positions.ResumedAfter > 0 ? $" after item {positions.ResumedAfter:N0}" : "";
        AnsiConsole.MarkupLine($"[bold]{verb} {summary.Published:N0}[/] images from {Markup.Escape(source)}{resumed} in {summary.Elapsed:hh\\:mm\\:ss\\.f} ({rate:N0}/s)");
        WriteReasons("Skipped", "yellow", summary.Skipped, summary.SkippedBy);
        WriteReasons("Failed", "red", summary.Failed, summary.FailedBy);
        if (summary.StoppedOnFailures)
            AnsiConsole.MarkupLine("[red]Stopped after several failed batches in a row: the rest of the source was not read.[/]");
        if (summary.Cancelled)
            AnsiConsole.MarkupLine("[yellow]Interrupted: the rest of the source was not read.[/]");
        if (checkpoint is not null)
            WritePositions(positions, checkpoint);
    }

    private static void WritePositions(SourcePositions positions, CheckpointWriter checkpoint)
    {
        foreach (var range in positions.NotPublished)
            AnsiConsole.MarkupLine($"[red]Not published: {Markup.Escape(range.ToString())}, not confirmed by the broker[/]");
        if (positions.NotSentFrom is { } from)
            AnsiConsole.MarkupLine($"[red]Not published: every item from {from:N0} on, never sent[/]");
        var path = Markup.Escape(checkpoint.Path);
        if (checkpoint.Failure is { } failure)
            AnsiConsole.MarkupLine($"[red]The checkpoint could not always be written ({Markup.Escape(failure)}): it may be behind what is below[/]");
        AnsiConsole.MarkupLine(positions.Complete
            ? $"Checkpoint: all {positions.DoneThrough:N0} items done ({path})"
            : $"Checkpoint: items 1–{positions.DoneThrough:N0} done; publish --resume continues at item {positions.DoneThrough + 1:N0} ({path})");
    }

    private static void WriteReasons(string title, string colour, long count, IReadOnlyList<ReasonTally> reasons)
    {
        AnsiConsole.MarkupLine($"[{colour}]{title} {count:N0}[/]");
        foreach (var reason in reasons)
            AnsiConsole.MarkupLine($"  {reason.Count,10:N0}  {Markup.Escape(reason.Reason)}  [grey](e.g. {Markup.Escape(reason.Example)})[/]");
    }
}
