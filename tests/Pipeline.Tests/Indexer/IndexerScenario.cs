using ImageSearch.Contracts;

namespace ImageSearch.Pipeline.Tests.Indexer;

/// <summary>What the indexer tests share: settings with quick retries, test vectors, and messages queued before the indexer starts.</summary>
internal static class IndexerScenario
{
    public const string Model = "test-model";
    public const string OutageRetries = "imagesearch_indexer_outage_retries_total";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static Dictionary<string, string?> Settings(string journal, params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Indexer:MessageLimit"] = "100",
            ["Indexer:TimeLimit"] = "00:00:01",
            ["Indexer:RetryMinInterval"] = "00:00:00.05",
            ["Indexer:RetryMaxInterval"] = "00:00:00.2",
            ["DeadLetters:Path"] = journal,
            ["DeadLetters:Record"] = "false", // dead letters stay in their queue, where the test reads them
        };
        foreach (var (key, value) in overrides)
            settings[key] = value;
        return settings;
    }

    public static ImageEmbedded Embedded(long id, int dimension = 8, float seed = 1, int attempt = 1) =>
        new(id, $"/images/{id}.jpg", $"label-{id}", null, Model, Enumerable.Range(0, dimension).Select(i => seed * (i + 1)).ToArray(), attempt);

    /// <summary>Vectors <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 as one group.</summary>
    public static ImageEmbeddedGroup Group(long first, int count) =>
        new(Enumerable.Range(0, count).Select(i => Embedded(first + i)).ToList());

    /// <summary>
    /// A virtual host with <paramref name="messages"/> waiting in <c>index-image</c> (groups in <c>index-image-group</c>),
    /// and a folder for the journal.
    /// </summary>
    public static async Task<(Broker, TempFolder)> QueueAsync(RabbitMqFixture rabbit, IEnumerable<object> messages, bool quorum = false)
    {
        var broker = rabbit.NewBroker();
        var folder = new TempFolder();
        // Published before the indexer starts, one by one (so in order), so they all wait in the queue and form one batch.
        // A v1 message is sent to the queue itself, as if it had waited there since before the upgrade.
        await using var publisher = await TestHosts.StartPublisherAsync(broker, Journal(folder), quorum);
        var queue = await publisher.Bus.GetSendEndpoint(new Uri($"queue:{QueueNames.IndexImage}"));
        foreach (var message in messages)
            await (message is ImageEmbeddedV1 ? queue.Send(message, Cancel) : publisher.Bus.Publish(message, Cancel));
        return (broker, folder);
    }

    public static string Journal(TempFolder folder) => Path.Combine(folder.Path, "j.db");

    /// <summary>Messages in <c>index-image_error</c> and <c>index-image-group_error</c>; null when neither was ever created (nothing ever failed).</summary>
    public static async Task<uint?> ErrorQueueAsync(Broker broker)
    {
        var singles = await broker.CountAsync(QueueNames.ErrorQueueOf(QueueNames.IndexImage), Cancel);
        var groups = await broker.CountAsync(QueueNames.ErrorQueueOf(QueueNames.IndexImageGroup), Cancel);
        return singles is null && groups is null ? null : (singles ?? 0) + (groups ?? 0);
    }
}
