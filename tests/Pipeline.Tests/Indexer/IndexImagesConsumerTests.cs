using ImageSearch.Contracts;
using ImageSearch.VectorStore;
using MassTransit;
using static ImageSearch.Pipeline.Tests.Indexer.IndexerScenario;

namespace ImageSearch.Pipeline.Tests.Indexer;

/// <summary>The indexer as its Program composes it, over a real broker, with a recording store double.</summary>
public sealed class IndexImagesConsumerTests(RabbitMqFixture rabbit)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BatchOfVectorsBecomesOneUpsertIntoAnEnsuredCollection()
    {
        var (broker, folder) = await QueueAsync(rabbit, Enumerable.Range(1, 40).Select(i => Embedded(i)));
        using var _ = folder;
        var store = new RecordingVectorStore();

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, Settings(Journal(folder)));
        await Eventually.HoldsAsync(() => store.Records("images").Count == 40, "40 vectors are stored");

        var upsert = Assert.Single(store.Upserts);
        Assert.Equal(("images", 40), (upsert.Collection, upsert.Records.Count));
        Assert.Equal(new CollectionSpec("images", 8, Model), Assert.Single(store.Ensured));
        var seventh = store.Records("images").Single(r => r.Id == 7);
        Assert.Equal((7L, "/images/7.jpg", "label-7"), (seventh.Id, seventh.Path, seventh.Label));
        Assert.Equal(Embedded(7).Vector, seventh.Vector);
    }

    [Fact]
    public async Task VectorsThatDoNotFitTheirCollectionAreDeadLetteredAndTheRestIsIndexed()
    {
        var good = Enumerable.Range(1, 10).Select(i => Embedded(i)).ToList();
        var misfits = new[] { Embedded(11, dimension: 4), Embedded(12, dimension: 4, attempt: 2), Embedded(13, dimension: 16) };
        var (broker, folder) = await QueueAsync(rabbit, [.. good.Take(5), .. misfits, .. good.Skip(5)]);
        using var _ = folder;
        var store = new RecordingVectorStore();
        store.Existing(new CollectionSpec("images", 8, Model));

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, Settings(Journal(folder)));
        await Eventually.HoldsAsync(() => store.Records("images").Count == 10, "the 10 fitting vectors are stored");
        await Eventually.HoldsAsync(async () => await broker.CountAsync(QueueNames.DeadLetters, Cancel) == 3, "3 dead letters are queued");

        var deadLetters = (await broker.DrainAsync<ImageDeadLettered>(QueueNames.DeadLetters, Cancel)).OrderBy(d => d.ImageId).ToList();
        Assert.Equal([11L, 12, 13], deadLetters.Select(d => d.ImageId));
        Assert.All(deadLetters, d => Assert.Equal((PipelineStage.Index, DeadLetterReason.CollectionMismatch), (d.Stage, d.Reason)));
        Assert.Equal([1, 2, 1], deadLetters.Select(d => d.Attempts));
        Assert.Equal("/images/12.jpg", deadLetters[1].Path);
        Assert.Equal(1, store.UpsertCalls);
        Assert.Null(await ErrorQueueAsync(broker));
    }

    [Fact]
    public async Task GroupsAreIndexedAsOneBatchAndAMisfitInAGroupIsDeadLetteredAlone()
    {
        // Three groups and two single vectors: the groups (on their own queue) make one upsert of their vectors, the
        // singles another. One member of the second group has the wrong dimension: it alone becomes a dead letter.
        var misfit = Group(11, 10).Images.Select(i => i.ImageId == 15 ? Embedded(15, dimension: 4) : i).ToList();
        var (broker, folder) = await QueueAsync(rabbit, [Group(1, 10), new ImageEmbeddedGroup(misfit), Embedded(100), Group(21, 10), Embedded(101)]);
        using var _ = folder;
        var store = new RecordingVectorStore();
        store.Existing(new CollectionSpec("images", 8, Model));

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, Settings(Journal(folder)));
        await Eventually.HoldsAsync(() => store.Records("images").Count == 31, "the 29 fitting vectors of the groups and the 2 singles are stored");
        await Eventually.HoldsAsync(async () => await broker.CountAsync(QueueNames.DeadLetters, Cancel) == 1, "1 dead letter is queued");

        var letter = Assert.Single(await broker.DrainAsync<ImageDeadLettered>(QueueNames.DeadLetters, Cancel));
        Assert.Equal((15L, PipelineStage.Index, DeadLetterReason.CollectionMismatch), (letter.ImageId, letter.Stage, letter.Reason));
        Assert.Equal([2, 29], store.Upserts.Select(u => u.Records.Count).Order());
        Assert.Equal(Embedded(27).Vector, store.Records("images").Single(r => r.Id == 27).Vector);
        await Eventually.HoldsAsync(async () => await broker.CountAsync(QueueNames.IndexImageGroup, Cancel) == 0, "the group queue is drained");
        Assert.Null(await ErrorQueueAsync(broker));
    }

    [Fact]
    public async Task AGroupWithoutImagesOrWithEmptyEntriesIsNotAFault()
    {
        // As a foreign or broken producer might send them: JSON nulls where the contract has none.
        var (broker, folder) = await QueueAsync(rabbit, [new ImageEmbeddedGroup(null!), new ImageEmbeddedGroup([null!, Embedded(1), null!])]);
        using var _ = folder;
        var store = new RecordingVectorStore();

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, Settings(Journal(folder)));
        await Eventually.HoldsAsync(() => store.Records("images").Count == 1, "the one real vector is stored");
        await Eventually.HoldsAsync(async () => await broker.CountAsync(QueueNames.IndexImageGroup, Cancel) == 0, "both groups are taken");

        Assert.Null(await ErrorQueueAsync(broker));
    }

    [Fact]
    public async Task DuplicatesInABatchAndRedeliveredBatchesDoNotDuplicateRecords()
    {
        // Ids 3, 5 and 7 appear twice in the batch (the later copy must win; 7's copy names the default collection
        // explicitly, which is the same collection), and the first upsert stores
        // everything but then fails as if its acknowledgement were lost, so the whole batch comes again.
        var messages = Enumerable.Range(1, 10).Select(i => Embedded(i)).Concat([Embedded(3, seed: 3), Embedded(5, seed: 5), Embedded(7, seed: 7) with { Collection = "images" }]);
        var (broker, folder) = await QueueAsync(rabbit, messages);
        using var _ = folder;
        var store = new RecordingVectorStore { FailUpsert = call => call == 1 ? (null, new StoreUnavailableException("connection reset after commit")) : (null, null) };

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, Settings(Journal(folder)));
        await Eventually.HoldsAsync(() => store.UpsertCalls == 2, "the batch is upserted again after the lost acknowledgement");
        await Eventually.HoldsAsync(async () => await broker.CountAsync(QueueNames.IndexImage, Cancel) == 0, "the queue is drained");

        Assert.All(store.Upserts, u => Assert.Equal(10, u.Records.Count));
        Assert.Equal(10, store.Records("images").Count);
        Assert.Equal(Embedded(3, seed: 3).Vector, store.Records("images").Single(r => r.Id == 3).Vector);
        Assert.Equal(Embedded(5, seed: 5).Vector, store.Records("images").Single(r => r.Id == 5).Vector);
        Assert.Equal(Embedded(7, seed: 7).Vector, store.Records("images").Single(r => r.Id == 7).Vector);
    }

    [Fact]
    public async Task QuorumQueuesDeclaredByPublisherAndConsumerAgree()
    {
        // With Bus:QuorumQueues the publisher's queue declaration and the consumer's must carry the same arguments,
        // or RabbitMQ refuses the second one and nothing is consumed.
        var (broker, folder) = await QueueAsync(rabbit, Enumerable.Range(1, 5).Select(i => Embedded(i)), quorum: true);
        using var _ = folder;
        var settings = new Dictionary<string, string?>(Settings(Journal(folder))) { ["Bus:QuorumQueues"] = "true" };
        var store = new RecordingVectorStore();

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, settings);

        await Eventually.HoldsAsync(() => store.Records("images").Count == 5, "5 vectors are stored through quorum queues");
    }

    [Fact]
    public async Task InMemoryTransportRunsIndexerAndDeadLetterRecorderInOneProcess()
    {
        using var folder = new TempFolder();
        var journalPath = Path.Combine(folder.Path, "j.db");
        var store = new RecordingVectorStore();
        store.Existing(new CollectionSpec("images", 8, Model));

        await using var host = await TestHosts.StartInMemoryIndexerAsync(store, journalPath);
        await host.Bus.PublishBatch([Embedded(1), Embedded(2), Embedded(3, dimension: 2)], Cancel);

        await Eventually.HoldsAsync(() => store.Records("images").Count == 2, "the 2 fitting vectors are stored");
        var journal = new ImageSearch.DeadLetters.DeadLetterJournal(journalPath);
        await Eventually.HoldsAsync(async () => (await journal.ListAsync(null, 0, 10, Cancel)).Count == 1, "the misfit is in the journal");
        var entry = Assert.Single(await journal.ListAsync(null, 0, 10, Cancel));
        Assert.Equal((3L, DeadLetterReason.CollectionMismatch, PipelineStage.Index), (entry.ImageId, entry.Reason, entry.Stage));
    }
}
