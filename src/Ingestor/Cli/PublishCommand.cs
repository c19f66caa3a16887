using System.CommandLine;
using ImageSearch.Ingestion.Publishing;
using ImageSearch.Ingestion.Sources;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.Ingestor.Cli;

/// <summary><c>publish &lt;source&gt;</c>: a folder (recursive), a glob, or a CSV of id,path,label, onto the embed queue.</summary>
internal static class PublishCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "A folder (recursive), a glob such as '/photos/**/*.jpg' (quote it), or a CSV file of id,path,label" };
        var collection = new Option<string>("--collection") { Description = "Target collection (default: the deployment's default collection)" };
        var label = new Option<string>("--label") { Description = "Label for images whose source gives none" };
        var batchSize = new Option<int>("--batch-size") { Description = "Messages per batch awaiting publisher confirms", DefaultValueFactory = _ => 500 };
        var inFlight = new Option<int>("--in-flight") { Description = "Batches awaiting confirms at once", DefaultValueFactory = _ => 4 };
        var group = new Option<int>("--group")
        {
            Description = "Images per message: more than 1 publishes groups to embed-image-group, for GPU embedders (thousands of images a second)",
            DefaultValueFactory = _ => 1,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read and count the source without connecting or publishing" };
        var resume = new Option<bool>("--resume") { Description = "Continue after the checkpoint of this source and collection instead of from the start" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint file (default: data/checkpoints/<source>-<hash>.json in the working directory)" };
        batchSize.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 100_000) r.AddError("--batch-size must be 1..100000"); });
        inFlight.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--in-flight must be 1..256"); });
        group.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 4096) r.AddError("--group must be 1..4096"); });
        var broker = SettingsOptions.Broker();

        var command = new Command("publish", "Publish images to embed, with progress and a summary; exit code 0 ok, 1 failures, 2 bad source or collection, 130 interrupted")
        {
            source, collection, label, batchSize, inFlight, group, dryRun, resume, checkpoint,
        };
        broker.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(
            new PublishRun(
                result.GetValue(source)!,
                new BulkPublishOptions(result.GetValue(collection), result.GetValue(label), result.GetValue(batchSize), result.GetValue(inFlight), result.GetValue(group)),
                result.GetValue(dryRun), result.GetValue(resume), result.GetValue(checkpoint)),
            broker.Overrides(result).ToList(),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(PublishRun run, List<KeyValuePair<string, string?>> settings, CancellationToken cancellationToken)
    {
        IImageSource source;
        CheckpointWriter checkpoint;
        PublishCheckpoint? resumeFrom = null;
        try
        {
            source = ImageSources.Open(run.Source);
            run.Options.Validate();
            checkpoint = run.Checkpoint();
            if (run.Resume && (resumeFrom = checkpoint.Read()) is null)
                await Console.Error.WriteLineAsync($"no checkpoint at {checkpoint.Path}: publishing from the first item");
        }
        catch (Exception e) when (e is ArgumentException or CheckpointMismatchException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }

        using var host = run.DryRun ? null : IngestorHost.Build(settings, withBus: true);
        if (host is not null && !await IngestorHost.TryStartAsync(host, cancellationToken))
            return cancellationToken.IsCancellationRequested ? PublishSummary.InterruptedExitCode : 1;

        var tally = new PublishTally();
        // The count runs beside the publish and only feeds the ETA; sources that cannot count cheaply return null.
        _ = Task.Run(() => tally.Total = source.EstimateCount(cancellationToken) - resumeFrom?.Position, cancellationToken);
        var publisher = new BulkPublisher(host?.Services.GetRequiredService<IBus>());
        var work = Task.Run(() => publisher.PublishAsync(source, run.Options, tally, cancellationToken, run.DryRun ? null : checkpoint, resumeFrom), CancellationToken.None);
        await ProgressDisplay.RunAsync(source.Description, tally, work, run.DryRun);
        try
        {
            var summary = await work;
            SummaryReport.Write(summary, source.Description, run.DryRun ? null : checkpoint);
            return summary.ExitCode;
        }
        catch (CheckpointMismatchException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        finally
        {
            if (host is not null)
                await host.StopAsync(CancellationToken.None);
        }
    }

    private sealed record PublishRun(string Source, BulkPublishOptions Options, bool DryRun, bool Resume, string? CheckpointPath)
    {
        /// <summary>The checkpoint is of the source's full path and the collection; its file is given or derived from both.</summary>
        public CheckpointWriter Checkpoint()
        {
            var key = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Source));
            return new CheckpointWriter(Path.GetFullPath(CheckpointPath ?? PublishCheckpoint.DefaultPath(key, Options.Collection)), key, Options.Collection);
        }
    }
}
