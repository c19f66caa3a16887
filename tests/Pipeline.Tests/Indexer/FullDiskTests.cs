using ImageSearch.Contracts;
using ImageSearch.Pipeline.Indexer;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static ImageSearch.Pipeline.Tests.Indexer.IndexerScenario;

namespace ImageSearch.Pipeline.Tests.Indexer;

/// <summary>
/// The indexer as its program composes it, with the real embedded store on a small tmpfs that is then filled: SQLite's
/// own "disk full" reaches the indexer's outage policy (the batch waits, the queue is paused, the broker keeps every
/// message), nothing is dead-lettered or sent to <c>index-image_error</c>, and every vector is stored once space is freed.
/// </summary>
public sealed class FullDiskTests(RabbitMqFixture rabbit)
{
    private const int Vectors = 200;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFullDiskMakesVectorsWaitAndTheyAreAllStoredOnceSpaceIsFreed()
    {
        using var disk = SmallFilesystem.Mount("4m");
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var settings = Settings(Journal(folder), ("DeadLetters:Record", "true"), ("VectorStore:Embedded:Path", Path.Combine(disk.Path, "store")),
            ("Indexer:PauseAfter", "00:00:01"), ("Indexer:RetryMaxInterval", "00:00:01"));
        await using var indexer = await PipelineHost.StartIndexerAsync(Path.Combine(folder.Path, "host"), broker.Settings.Concat(settings), Cancel);
        var outage = indexer.Services.GetRequiredService<StoreOutage>();

        var ballast = Path.Combine(disk.Path, "ballast");
        SmallFilesystem.Fill(ballast);
        await indexer.Bus.PublishBatch(Enumerable.Range(1, Vectors).Select(Vector), Cancel);
        await Eventually.HoldsAsync(() => outage.Current?.LastError.Contains("full", StringComparison.OrdinalIgnoreCase) == true,
            "the indexer meets SQLite's disk full as an outage");
        await Eventually.HoldsAsync(async () => await broker.DepthAsync(QueueNames.IndexImage, Cancel) is var (ready, held) && ready + held == Vectors,
            "the broker holds every vector while the disk is full");
        Assert.Equal(0, await indexer.CountAsync(cancellationToken: Cancel));

        File.Delete(ballast);
        await Eventually.HoldsAsync(async () => await indexer.CountAsync(cancellationToken: Cancel) == Vectors, "every vector is stored once space is freed", seconds: 60);
        Assert.Null(outage.Current);
        Assert.Null(await ErrorQueueAsync(broker));
        Assert.Empty(await indexer.DeadLettersAsync(Cancel));
    }

    /// <summary>A 512-d vector with components in [-1, 1], as the embedded store's int8 graph requires (2 KiB a row).</summary>
    private static ImageEmbedded Vector(int id) =>
        new(id, $"/images/{id}.jpg", null, null, Model, Enumerable.Range(0, 512).Select(k => MathF.Sin(id * 7 + k)).ToArray());
}
