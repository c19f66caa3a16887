using ImageSearch.Contracts;
using ImageSearch.DeadLetters.ErrorQueues;
using MassTransit;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>
/// The bad-input corpus (<see cref="BadInputCorpus"/>) mixed with 200 good photos, through the real broker, a real embedder
/// process and the in-process indexer: each good or unusual image is stored, each bad one dead-lettered once with the
/// reason the table in docs/pipeline.md gives, no error queue holds anything, and nothing waits without a limit.
/// </summary>
public sealed class BadInputCorpusTests(RabbitMqFixture rabbit)
{
    private const string CrLfLabel = "line one\r\nline two, \"quoted\"";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GoodImagesAreStoredAndEveryBadKindIsDeadLetteredWithItsReason()
    {
        var broker = rabbit.NewBroker();
        var photos = SharedData.ImageNet100Files.Concat(
            Directory.EnumerateFiles(SharedData.ImageNet1k, "*.JPEG", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(100)).ToList();
        Assert.Equal(200, photos.Count);
        using var folder = new TempFolder();
        using var corpus = new BadInputCorpus(folder.Path);
        var byId = corpus.WriteCsv(Path.Combine(folder.Path, "corpus.csv"));
        foreach (var named in corpus.Entries.Where(e => e.Path.StartsWith(corpus.Names, StringComparison.Ordinal)))
            byId[ImageIds.FromPath(named.Path)] = named;
        var good = Path.Combine(folder.Path, "good.csv");
        File.WriteAllLines(good, photos.Skip(100).Select((p, i) => $"{100_001 + i},{p},good"));
        await using var indexer = await PipelineHost.StartIndexerAsync(folder.Path, broker.Settings, Cancel);
        await using var embedder = await Embedders.StartAsync(broker, Settings(corpus.Root), folder.Path);

        foreach (var source in new[] { SharedData.ImageNet100, Path.Combine(folder.Path, "corpus.csv"), good, corpus.Names })
            Assert.Equal(0, (await IngestorProcess.RunAsync(broker.Settings, "publish", source)).ExitCode);
        // A CSV record is one line, so a label holding CR/LF can only come from another producer.
        var labelled = corpus.Entries.Single(e => e.Kind == "exif-rotated jpeg").Path;
        await indexer.Bus.Publish(new EmbedImage(500_001, labelled, CrLfLabel), Cancel);
        byId[500_001] = new("label with CR/LF and quotes", labelled, null, CrLfLabel);
        var storedCount = photos.Count + byId.Values.Count(e => e.Reason is null);
        var expected = byId.Where(e => e.Value.Reason is not null).ToDictionary(e => e.Key, e => e.Value.Reason!.Value);
        await PipelineState.SettledAsync(broker, indexer, 0, 0, [embedder], also: () => AllSettled(indexer, storedCount + expected.Count));

        // Vectors from a faulty producer, once the collection exists (an odd dimension could otherwise create it).
        const string model = "resnet18";
        await indexer.Bus.PublishBatch<ImageEmbedded>(
        [
            new(600_001, labelled, "nan", null, model, [.. Enumerable.Repeat(0.04f, 511), float.NaN]),
            new(600_002, labelled, "short", null, model, [.. Enumerable.Repeat(0.5f, 4)]),
        ], Cancel);
        byId[600_001] = new("NaN vector on index-image", labelled, DeadLetterReason.InvalidMessage);
        byId[600_002] = new("wrong-dimension vector on index-image", labelled, DeadLetterReason.CollectionMismatch);
        expected[600_001] = DeadLetterReason.InvalidMessage;
        expected[600_002] = DeadLetterReason.CollectionMismatch;
        await PipelineState.SettledAsync(broker, indexer, 0, 0, [embedder], also: () => AllSettled(indexer, storedCount + expected.Count), seconds: 60);

        var letters = (await indexer.DeadLettersAsync(Cancel)).ToLookup(l => l.ImageId);
        var wrong = byId.Select(e => (e.Value.Kind, Expected: e.Value.Reason?.ToString() ?? "stored",
                Actual: letters[e.Key].FirstOrDefault() is { } l ? $"{l.Reason} ({l.Message})" : "stored"))
            .Where(r => !r.Actual.StartsWith(r.Expected, StringComparison.Ordinal)).ToList();
        Assert.True(wrong.Count == 0, "kinds that ended otherwise:\n" + string.Join('\n', wrong.Select(w => $"{w.Kind}: expected {w.Expected}, got {w.Actual}")));
        Assert.All(letters, l => Assert.Single(l));
        Assert.Equal(expected.Count, letters.Count);
        Assert.Equal(storedCount, await indexer.CountAsync(cancellationToken: Cancel));
        foreach (var (id, entry) in byId.Where(e => e.Value.Reason is null))
        {
            var stored = await indexer.Store.GetAsync(PipelineHost.DefaultCollection, id, Cancel);
            Assert.Equal((entry.Path, entry.Label ?? (id < 500_000 && !entry.Path.StartsWith(corpus.Names, StringComparison.Ordinal) ? entry.Kind : null)),
                (stored!.Path, stored.Label));
        }
        foreach (var queue in ErrorQueue.All)
            Assert.True((await broker.CountAsync(queue.Name, Cancel) ?? 0) == 0, $"{queue.Name} is not empty");
    }

    /// <summary>Every image has an outcome, stored or dead-lettered, so a kind that ends otherwise fails in the table below, not by timeout.</summary>
    private static async Task<bool> AllSettled(PipelineHost indexer, int outcomes) =>
        await indexer.CountAsync(cancellationToken: Cancel) + (await indexer.DeadLettersAsync(Cancel)).Count >= outcomes;

    private static Dictionary<string, string?> Settings(string corpusRoot) => new()
    {
        ["Embedder:TimeLimit"] = "00:00:00.2",
        ["Embedding:AllowedRoots:0"] = SharedData.ImageNet100,
        ["Embedding:AllowedRoots:1"] = SharedData.ImageNet1k,
        ["Embedding:AllowedRoots:2"] = corpusRoot,
    };
}
