using ImageSearch.Contracts;
using ImageSearch.VectorStore;
using static ImageSearch.Pipeline.Tests.Indexer.IndexerScenario;

namespace ImageSearch.Pipeline.Tests.Indexer;

/// <summary>
/// Messages no store could take, in the middle of a batch of good ones, over a real broker: each becomes a dead letter
/// with reason <see cref="DeadLetterReason.InvalidMessage"/> and a clear detail, the rest of the batch is stored, and the
/// batch never reaches <c>index-image_error</c>.
/// </summary>
public sealed class InvalidRecordTests(RabbitMqFixture rabbit)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachUnstorableVectorIsDeadLetteredWithItsReasonAndTheRestOfTheBatchIsStored()
    {
        var good = Enumerable.Range(1, 10).Select(i => Embedded(i)).ToList();
        var bad = new (ImageEmbedded Message, string Detail)[]
        {
            (Embedded(101) with { Vector = [1, float.NaN, 3, 4, 5, 6, 7, 8] }, "NaN or infinity"),
            (Embedded(102) with { Vector = [1, 2, float.PositiveInfinity, 4, 5, 6, 7, 8] }, "NaN or infinity"),
            (Embedded(103) with { Vector = [] }, "the vector is empty"),
            (Embedded(104) with { Collection = "bad-name!" }, "invalid collection name 'bad-name!'"),
            (Embedded(105) with { Path = "/images/" + new string('p', RecordValidation.MaxPathBytes) }, $"the store keeps at most {RecordValidation.MaxPathBytes}"),
            (Embedded(106) with { Label = new string('é', RecordValidation.MaxLabelBytes / 2 + 1) }, $"the label is {RecordValidation.MaxLabelBytes + 2} bytes long"),
            (Embedded(107) with { Path = "" }, "the path is empty"),
            (Embedded(-108), "id -108 is negative"),
            (Embedded(109) with { Model = "" }, "names no model"),
        };
        var (broker, folder) = await QueueAsync(rabbit, [.. good.Take(5), .. bad.Select(b => b.Message), .. good.Skip(5)]);
        using var _ = folder;
        var store = new RecordingVectorStore();

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, Settings(Journal(folder)));
        await Eventually.HoldsAsync(() => store.Records("images").Count == 10, "the 10 good vectors are stored");
        await Eventually.HoldsAsync(async () => await broker.CountAsync(QueueNames.DeadLetters, Cancel) == bad.Length, "one dead letter per bad message");

        var deadLetters = (await broker.DrainAsync<ImageDeadLettered>(QueueNames.DeadLetters, Cancel)).ToDictionary(d => d.ImageId);
        foreach (var (message, detail) in bad)
        {
            var letter = deadLetters[message.ImageId];
            Assert.Equal((PipelineStage.Index, DeadLetterReason.InvalidMessage), (letter.Stage, letter.Reason));
            Assert.Contains(detail, letter.Message);
        }
        Assert.Equal(1, store.UpsertCalls);
        Assert.Null(await ErrorQueueAsync(broker));
    }

    [Fact]
    public async Task AVectorTheStoreRefusesByARuleOfItsOwnIsFoundAndOnlyItIsDeadLettered()
    {
        // The embedded store's int8 graph refuses components outside [-1, 1]: a rule the indexer cannot know in advance.
        var (broker, folder) = await QueueAsync(rabbit, Enumerable.Range(1, 20).Select(i => Embedded(i)));
        using var _ = folder;
        var store = new RecordingVectorStore { Refuse = record => record.Id == 13 };

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, Settings(Journal(folder)));
        await Eventually.HoldsAsync(() => store.Records("images").Count == 19, "the 19 others are stored");
        await Eventually.HoldsAsync(async () => await broker.CountAsync(QueueNames.DeadLetters, Cancel) == 1, "one dead letter");

        var letter = Assert.Single(await broker.DrainAsync<ImageDeadLettered>(QueueNames.DeadLetters, Cancel));
        Assert.Equal((13L, DeadLetterReason.InvalidMessage), (letter.ImageId, letter.Reason));
        Assert.Contains("refused by the store's own rule", letter.Message);
        Assert.DoesNotContain(store.Records("images"), r => r.Id == 13);
        Assert.Null(await ErrorQueueAsync(broker));
    }
}
