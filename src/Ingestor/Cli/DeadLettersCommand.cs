using System.CommandLine;
using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace ImageSearch.Ingestor.Cli;

/// <summary><c>dead-letters list</c> and <c>dead-letters replay</c>, over the journal file the recorder writes.</summary>
internal static class DeadLettersCommand
{
    public static Command Create() => new("dead-letters", "Inspect and replay images the pipeline gave up on")
    {
        List(),
        Replay(),
    };

    private static Command List()
    {
        var reason = new Option<DeadLetterReason?>("--reason") { Description = "Only this reason" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var examples = new Option<int>("--examples") { Description = "Examples shown per reason", DefaultValueFactory = _ => 3 };
        var journal = SettingsOptions.Journal();
        var command = new Command("list", "Open dead letters grouped by reason, with counts and examples") { reason, json, examples };
        journal.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = IngestorHost.Build(journal.Overrides(result), withBus: false);
            var deadLetters = host.Services.GetRequiredService<DeadLetterJournal>();
            if (!await ExistsAsync(deadLetters))
                return 1;
            var only = result.GetValue(reason);
            var groups = new List<ReasonReport>();
            foreach (var count in await deadLetters.CountByReasonAsync(cancellationToken))
            {
                if (only is not null && count.Reason != only)
                    continue;
                var sample = await deadLetters.ListAsync(count.Reason, 0, result.GetValue(examples), cancellationToken);
                groups.Add(new ReasonReport(count.Reason, count.Open, count.Replayed, sample));
            }
            if (result.GetValue(json))
                JsonOutput.Write(new ListReport(deadLetters.Path, groups));
            else
                WriteTable(deadLetters.Path, groups);
            return 0;
        });
        return command;
    }

    private static Command Replay()
    {
        var reason = new Option<DeadLetterReason?>("--reason") { Description = "Replay the open dead letters of this reason" };
        var all = new Option<bool>("--all") { Description = "Replay every open dead letter whose reason a replay can fix (not NotAnImage, Corrupt, TooSmall...)" };
        var force = new Option<bool>("--force") { Description = "Also replay permanent reasons and images at the attempt limit (DeadLetters:MaxAttempts)" };
        var batchSize = new Option<int>("--batch-size") { Description = "Dead letters re-published per batch", DefaultValueFactory = _ => 500 };
        var settings = SettingsOptions.Journal();
        var broker = SettingsOptions.Broker();
        var command = new Command("replay", "Re-publish open dead letters to the embed queue with the next attempt number, and mark them replayed")
        {
            reason, all, force, batchSize,
        };
        settings.AddTo(command);
        broker.AddTo(command);
        command.Validators.Add(r =>
        {
            if ((r.GetValue(reason) is not null) == r.GetValue(all))
                r.AddError("give either --reason REASON or --all");
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = IngestorHost.Build(settings.Overrides(result).Concat(broker.Overrides(result)), withBus: true);
            var journal = host.Services.GetRequiredService<DeadLetterJournal>();
            if (!await ExistsAsync(journal) || !await IngestorHost.TryStartAsync(host, cancellationToken))
                return 1;
            await using var scope = host.Services.CreateAsyncScope();
            var replayer = scope.ServiceProvider.GetRequiredService<DeadLetterReplayer>();
            var what = result.GetValue(reason)?.ToString() ?? "all";
            var outcome = await replayer.ReplayAsync(replayer.Policy(result.GetValue(reason), result.GetValue(force)), result.GetValue(batchSize),
                total => Console.Error.WriteLine($"replayed {total:N0}"), cancellationToken);
            Console.WriteLine($"Replayed {outcome.Replayed:N0} dead letters ({what}) from {journal.Path}");
            if (outcome.SkippedAtAttemptLimit > 0)
                Console.WriteLine($"Left {outcome.SkippedAtAttemptLimit:N0} open: they have had {outcome.MaxAttempts} attempts (DeadLetters:MaxAttempts); --force replays them");
            if (outcome.SkippedPermanent > 0)
                Console.WriteLine($"Left {outcome.SkippedPermanent:N0} open: their reasons are permanent (the file itself or a setting refuses it; docs/pipeline.md); fix that, then --force");
            await host.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    /// <summary>Reading a journal never creates one: a missing file is said so, with where it was looked for.</summary>
    private static async Task<bool> ExistsAsync(DeadLetterJournal journal)
    {
        if (journal.Exists)
            return true;
        await Console.Error.WriteLineAsync(
            $"error: no dead-letter journal at {journal.Path}: nothing has been recorded there (the recorder creates it); give --journal PATH or set DeadLetters__Path");
        return false;
    }

    private static void WriteTable(string path, List<ReasonReport> groups)
    {
        AnsiConsole.MarkupLine($"Dead letters in {Markup.Escape(path)}");
        if (groups.Count == 0)
        {
            AnsiConsole.MarkupLine("[green]none[/]");
            return;
        }
        var table = new Table().AddColumns("Reason", "Open", "Replayed", "Examples (open)");
        table.Columns[1].RightAligned();
        table.Columns[2].RightAligned();
        foreach (var group in groups)
            table.AddRow(
                new Text(group.Reason.ToString()),
                new Text($"{group.Open:N0}"),
                new Text($"{group.Replayed:N0}"),
                new Text(string.Join('\n', group.Examples.Select(e => $"{e.Path} (attempt {e.Attempts}, {e.Stage}): {e.Message}"))));
        AnsiConsole.Write(table);
    }

    private sealed record ReasonReport(DeadLetterReason Reason, long Open, long Replayed, IReadOnlyList<DeadLetterEntry> Examples);

    private sealed record ListReport(string Journal, IReadOnlyList<ReasonReport> Reasons);
}
