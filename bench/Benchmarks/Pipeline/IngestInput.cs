using ImageSearch.DeadLetters;
using ImageSearch.Ingestion.Publishing;
using ImageSearch.Ingestion.Sources;
using ImageSearch.TestSupport;
using MassTransit;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>What the ingest benchmarks publish (the 1,100 shared photos, repeated under distinct ids), and the checks every run makes.</summary>
internal static class IngestInput
{
    /// <summary>imagenet-100 and imagenet-1k-samples, in a fixed order.</summary>
    public static List<string> Photos(string dataFolder) =>
        Directory.EnumerateFiles(Path.Combine(dataFolder, "imagenet-100"), "*.JPEG", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(dataFolder, "imagenet-1k-samples"), "*.JPEG"))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>A CSV of <paramref name="count"/> distinct ids over the photos, repeated: every line is a new image to the store.</summary>
    public static string WriteCsv(string path, List<string> photos, int count)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("id,path,label");
        for (var i = 0; i < count; i++)
            writer.WriteLine($"{i + 1},{photos[i % photos.Count]},bench");
        return path;
    }

    /// <summary>
    /// Publishes the CSV into <paramref name="collection"/> with the ingestor's publisher, as single images or groups of
    /// <paramref name="imagesPerMessage"/>; throws unless all <paramref name="count"/> lines went out.
    /// </summary>
    public static async Task PublishAsync(IPublishEndpoint bus, string csv, string collection, int count, CancellationToken cancellationToken, int imagesPerMessage = 1)
    {
        var summary = await new BulkPublisher(bus).PublishAsync(
            new CsvSource(csv), new BulkPublishOptions(Collection: collection, ImagesPerMessage: imagesPerMessage), new PublishTally(), cancellationToken);
        if (summary.Published != count)
            throw new InvalidOperationException($"published {summary.Published} of {count} (failed {summary.Failed})");
    }

    /// <summary>
    /// Waits until the store of <paramref name="host"/> holds <paramref name="count"/> rows in <paramref name="collection"/>,
    /// throwing at the first dead letter; <paramref name="poll"/> sees the row count at each look.
    /// </summary>
    public static async Task WaitUntilStoredAsync(PipelineHost host, string collection, long count, CancellationToken cancellationToken, Action<long>? poll = null)
    {
        long stored;
        while ((stored = await host.CountAsync(collection, cancellationToken)) < count)
        {
            poll?.Invoke(stored);
            await ThrowOnDeadLettersAsync(host.Journal, cancellationToken);
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Throws at the first open dead letter: the input is good photos only, so one means the run is broken.</summary>
    public static async Task ThrowOnDeadLettersAsync(DeadLetterJournal journal, CancellationToken cancellationToken)
    {
        if ((await journal.CountByReasonAsync(cancellationToken)).Sum(r => r.Open) is var dead and > 0)
            throw new InvalidOperationException($"{dead} dead letters for a CSV of good photos");
    }
}
