using System.CommandLine;
using ImageSearch.DeadLetters.ErrorQueues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client.Exceptions;
using Spectre.Console;

namespace ImageSearch.Ingestor.Cli;

/// <summary><c>errors list</c>, <c>errors requeue</c> and <c>errors to-journal</c>, over the pipeline's <c>*_error</c> queues.</summary>
internal static class ErrorsCommand
{
    public static Command Create() => new("errors", "Inspect and recover messages whose consumer faulted (the *_error queues)")
    {
        List(),
        Move("requeue", "Move faulted messages back to the queue they came from (after fixing the fault)", "Requeued",
            (mover, selection, cancellationToken) => mover.RequeueAsync(selection, cancellationToken)),
        Move("to-journal", "Move faulted messages into the dead-letter journal (reason Unexpected, the exception as detail), for the recorder to write", "Moved",
            (mover, selection, cancellationToken) => mover.ToJournalAsync(selection, cancellationToken)),
    };

    private static Command List()
    {
        var queue = QueueOption();
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var examples = new Option<int>("--examples") { Description = "Messages shown per exception type", DefaultValueFactory = _ => 3 };
        var scan = new Option<int>("--scan") { Description = "Messages read per queue (they are put back)", DefaultValueFactory = _ => 10_000 };
        examples.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--examples must be 0 or more"); });
        scan.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--scan must be 0 or more"); });
        var broker = SettingsOptions.Broker();
        var command = new Command("list", "Faulted messages per error queue, grouped by the exception that faulted them") { queue, json, examples, scan };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = IngestorHost.Build(broker.Overrides(result), withBus: false);
            return await ReachingBrokerAsync(host, async () =>
            {
                var report = new ErrorQueueReport(await host.Services.GetRequiredService<ErrorQueueReader>()
                    .ListAsync(result.GetValue(queue), result.GetValue(scan), result.GetValue(examples), cancellationToken));
                if (result.GetValue(json))
                    JsonOutput.Write(report);
                else
                    WriteTables(report);
                return 0;
            });
        });
        return command;
    }

    private static Command Move(
        string name, string description, string verb,
        Func<ErrorQueueMover, FaultSelection, CancellationToken, Task<IReadOnlyList<MovedMessages>>> move)
    {
        var queue = QueueOption();
        var limit = new Option<long?>("--limit") { Description = "Move at most this many messages (all by default)" };
        var exception = new Option<string>("--exception") { Description = "Only messages faulted by this exception type (full or short name)" };
        limit.Validators.Add(r => { if (r.GetValueOrDefault<long?>() is < 1) r.AddError("--limit must be at least 1"); });
        var broker = SettingsOptions.Broker();
        var command = new Command(name, description) { queue, limit, exception };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = IngestorHost.Build(broker.Overrides(result), withBus: true);
            if (!await IngestorHost.TryStartAsync(host, cancellationToken))
                return 1;
            var code = await ReachingBrokerAsync(host, async () =>
            {
                await using var scope = host.Services.CreateAsyncScope();
                var selection = new FaultSelection(result.GetValue(queue), result.GetValue(exception), result.GetValue(limit));
                foreach (var moved in await move(scope.ServiceProvider.GetRequiredService<ErrorQueueMover>(), selection, cancellationToken))
                    Console.WriteLine($"{verb} {moved.Moved:N0} messages from {moved.Queue} to {moved.To}"
                        + (moved.Unreadable > 0 ? $"; {moved.Unreadable:N0} stayed (not a pipeline message)" : ""));
                return 0;
            });
            await host.StopAsync(CancellationToken.None);
            return code;
        });
        return command;
    }

    private static Option<string> QueueOption()
    {
        var queue = new Option<string>("--queue")
        {
            Description = $"One error queue ({string.Join(", ", ErrorQueue.All.Select(q => q.Name))}) or its source queue; all by default",
        };
        queue.Validators.Add(r =>
        {
            try
            {
                ErrorQueue.Select(r.GetValueOrDefault<string>());
            }
            catch (ArgumentException e)
            {
                r.AddError(e.Message);
            }
        });
        return queue;
    }

    /// <summary>Runs <paramref name="work"/>; exit code 1, saying why, when the broker cannot be reached.</summary>
    private static async Task<int> ReachingBrokerAsync(IHost host, Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (BrokerUnreachableException e)
        {
            await IngestorHost.ReportUnreachableAsync(host, $"({e.InnerException?.Message ?? e.Message})");
            return 1;
        }
    }

    private static void WriteTables(ErrorQueueReport report)
    {
        foreach (var queue in report.Queues)
        {
            var partial = queue.Scanned < queue.Depth ? $" (the first {queue.Scanned:N0} read)" : "";
            AnsiConsole.MarkupLine($"[bold]{queue.Queue}[/] → {queue.Source}: {(queue.Depth == 0 ? "[green]empty[/]" : $"[red]{queue.Depth:N0}[/] messages{partial}")}");
            if (queue.Exceptions.Count == 0)
                continue;
            var table = new Table().AddColumns("Exception", "Count", "Messages (id, image, path: exception message)");
            table.Columns[1].RightAligned();
            foreach (var group in queue.Exceptions)
                table.AddRow(
                    new Text(group.ExceptionType),
                    new Text($"{group.Count:N0}"),
                    new Text(string.Join('\n', group.Messages.Select(m => $"{m.MessageId} {m.ImageId} {m.Path}: {m.ExceptionMessage}"))));
            AnsiConsole.Write(table);
        }
    }
}
