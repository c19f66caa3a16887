using ImageSearch.Ingestion.Publishing;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ImageSearch.Ingestor.Cli;

/// <summary>A live progress bar with rate and ETA on a terminal; a log line every few seconds when output is redirected.</summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    /// <param name="dryRun">Nothing is sent: count "would publish" instead of "published".</param>
    public static Task RunAsync(string title, PublishTally tally, Task work, bool dryRun)
    {
        var published = dryRun ? "would publish" : "published";
        return !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            ? BarAsync(title, published, tally, work)
            : LogLinesAsync(published, tally, work);
    }

    private static Task BarAsync(string title, string published, PublishTally tally, Task work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RateColumn(tally))
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1);
                while (true)
                {
                    var done = tally.Done;
                    task.IsIndeterminate = tally.Total is null;
                    task.MaxValue = Math.Max(tally.Total ?? done + 1, Math.Max(done, 1));
                    task.Value = done;
                    task.Description = $"{Markup.Escape(title)}  [green]{tally.Published:N0}[/] {published}  [yellow]{tally.Skipped:N0}[/] skipped  [red]{tally.Failed:N0}[/] failed";
                    if (work.IsCompleted)
                        break;
                    await Task.WhenAny(work, Task.Delay(200));
                }
                task.MaxValue = Math.Max(tally.Done, 1);
                task.Value = task.MaxValue;
                task.IsIndeterminate = false;
                task.StopTask();
            });

    private static async Task LogLinesAsync(string published, PublishTally tally, Task work)
    {
        while (await Task.WhenAny(work, Task.Delay(LogInterval)) != work)
            Console.WriteLine(Line(published, tally));
    }

    private static string Line(string published, PublishTally tally)
    {
        var of = tally.Total is { } total ? $" of ~{total:N0}" : "";
        var eta = tally.Remaining is { } remaining ? $", ETA {remaining:hh\\:mm\\:ss}" : "";
        return $"{DateTime.Now:HH:mm:ss} {tally.Done:N0}{of} done ({tally.Rate:N0}/s{eta}): {tally.Published:N0} {published}, {tally.Skipped:N0} skipped, {tally.Failed:N0} failed";
    }

    /// <summary>Images per second and time left, from the tally rather than the bar, so both displays agree.</summary>
    private sealed class RateColumn(PublishTally tally) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            var eta = tally.Remaining is { } remaining ? $"  ETA {remaining:hh\\:mm\\:ss}" : "";
            return new Markup($"[blue]{tally.Rate:N0}/s[/]{eta}");
        }
    }
}
