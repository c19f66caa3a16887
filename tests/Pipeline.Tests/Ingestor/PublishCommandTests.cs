using ImageSearch.Contracts;

namespace ImageSearch.Pipeline.Tests.Ingestor;

/// <summary>The real ingestor executable against a real broker; messages are read back raw from the durable queue, with no consumer running.</summary>
public sealed class PublishCommandTests(RabbitMqFixture rabbit)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishedFolderArrivesInTheEmbedQueueWithIdsStableAcrossPublishes()
    {
        var broker = rabbit.NewBroker();
        var files = SharedData.ImageNet100Files;

        var first = await IngestorProcess.RunAsync(broker.Settings, "publish", SharedData.ImageNet100, "--collection", "demo", "--batch-size", "7");
        var firstMessages = await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel);
        var second = await IngestorProcess.RunAsync(broker.Settings, "publish", SharedData.ImageNet100, "--batch-size", "1000");
        var secondMessages = await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Published 100 images", first.Output);
        Assert.Equal(files, firstMessages.Select(m => m.Path).Order(StringComparer.Ordinal));
        Assert.All(firstMessages, m =>
        {
            Assert.Equal(ImageIds.FromPath(m.Path), m.ImageId);
            Assert.Equal("demo", m.Collection);
            Assert.Equal(1, m.Attempt);
        });
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(firstMessages.Select(m => m.ImageId).Order(), secondMessages.Select(m => m.ImageId).Order());
        Assert.Equal(100, secondMessages.Select(m => m.ImageId).Distinct().Count());
    }

    [Fact]
    public async Task PublishedCsvCarriesIdsAndLabelsAndStillPublishesMissingFiles()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var present = folder.File("images/cat.jpg");
        var csv = folder.File("list.csv",
            "id,path,label\n10,images/cat.jpg,cat\n11,images/missing.jpg,dog\n12,\"/elsewhere/a, b.png\",\nbad,\"unterminated\n");

        var result = await IngestorProcess.RunAsync(broker.Settings, "publish", csv, "--label", "fallback");
        var messages = (await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel)).OrderBy(m => m.ImageId).ToList();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                new EmbedImage(10, present, "cat"),
                new EmbedImage(11, Path.Combine(folder.Path, "images/missing.jpg"), "dog"),
                new EmbedImage(12, "/elsewhere/a, b.png", "fallback"),
            ],
            messages);
        Assert.Contains("Skipped 1", result.Output);
        Assert.Contains("unterminated quote", result.Output);
    }

    [Fact]
    public async Task GroupsStayWholeWhenTheBatchSizeIsNotAMultipleOfThem()
    {
        var broker = rabbit.NewBroker();

        // Batches of 10 cut into groups of 4 would give 4, 4, 2 again and again: the embedders' runs would keep changing size.
        var result = await IngestorProcess.RunAsync(broker.Settings, "publish", SharedData.ImageNet100, "--batch-size", "10", "--group", "4");
        var groups = await broker.DrainAsync<EmbedImageGroup>(QueueNames.EmbedImageGroup, Cancel);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Published 100 images", result.Output);
        Assert.Equal(25, groups.Count);
        Assert.All(groups, g => Assert.Equal(4, g.Images.Count));
        Assert.Equal(SharedData.ImageNet100Files, groups.SelectMany(g => g.Images).Select(i => i.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PublishedGlobSendsOnlyMatchingFiles()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var wanted = new[] { folder.File("2024/a/x.jpg"), folder.File("2024/b/y.jpg") };
        folder.File("2024/a/z.png");
        folder.File("2023/a/old.jpg");

        var result = await IngestorProcess.RunAsync(broker.Settings, "publish", Path.Combine(folder.Path, "2024/**/*.jpg"));
        var messages = await broker.DrainAsync<EmbedImage>(QueueNames.EmbedImage, Cancel);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(wanted.Order(), messages.Select(m => m.Path).Order());
    }

    [Fact]
    public async Task DryRunReadsTheSourceButPublishesNothing()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        folder.File("a.jpg");
        folder.File("b.txt");

        var result = await IngestorProcess.RunAsync(broker.Settings, "publish", folder.Path, "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Would publish 1 images", result.Output);
        Assert.Contains("Skipped 1", result.Output);
        Assert.Null(await broker.CountAsync(QueueNames.EmbedImage, Cancel));
    }

    [Fact]
    public async Task BadCollectionNameExitsWithTwoBeforePublishingAnything()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        folder.File("a.jpg");

        var result = await IngestorProcess.RunAsync(broker.Settings, "publish", folder.Path, "--collection", "my-photos");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Invalid collection name 'my-photos'", result.Error);
        Assert.Null(await broker.CountAsync(QueueNames.EmbedImage, Cancel));
    }

    [Fact]
    public async Task BadSourceExitsWithTwoAndSaysWhy()
    {
        var result = await IngestorProcess.RunAsync(new Dictionary<string, string?>(), "publish", "/no/such/folder");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.Error);
    }
}
