namespace ImageSearch.EndToEnd.Tests;

/// <summary>
/// Each service started as its README says: from its own build, in its project folder (as <c>dotnet run --project</c>
/// starts it) or from anywhere else. Each must find its settings, its model and its web page beside itself.
/// </summary>
public sealed class ServiceStartTests(RabbitMqFixture rabbit)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task QueryApiServesItsPageWhereverItIsStarted(bool fromProjectFolder)
    {
        using var folder = new TempFolder();
        await using var api = await WorkerProcess.StartAsync(ServiceBuild.QueryApi, new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["VectorStore:Embedded:Path"] = Path.Combine(folder.Path, "store"),
            ["DeadLetters:Path"] = Path.Combine(folder.Path, "dead-letters.db"),
            ["QueryApi:UploadsPath"] = Path.Combine(folder.Path, "uploads"),
            ["QueryApi:TrackingPath"] = Path.Combine(folder.Path, "tracking.db"),
            ["Embedding:AllowedRoots:0"] = folder.Path,
        }, "Urls", fromProjectFolder ? null : folder.Path, TimeSpan.FromSeconds(90), Cancel,
            readyPath: "/health", portValue: port => $"http://127.0.0.1:{port}");

        using var http = new HttpClient { BaseAddress = api.Address };
        var page = await http.GetStringAsync("/", Cancel);
        Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
        Assert.True((await http.GetAsync("/app.js", Cancel)).IsSuccessStatusCode, "the page's script is served");
        Assert.DoesNotContain("WebRootPath was not found", api.Output);
    }

    [Fact]
    public async Task IndexerBecomesReadyFromItsProjectFolder()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        await using var indexer = await WorkerProcess.StartAsync(ServiceBuild.Indexer, broker.Settings.Concat(new Dictionary<string, string?>
        {
            ["VectorStore:Embedded:Path"] = Path.Combine(folder.Path, "store"),
            ["DeadLetters:Path"] = Path.Combine(folder.Path, "dead-letters.db"),
        }), "Indexer:MetricsPort", null, TimeSpan.FromSeconds(60), Cancel);
        // Ready means its settings were found and the bus is connected; its own metrics prove it is the indexer answering.
        using var http = new HttpClient { BaseAddress = indexer.Address };
        Assert.Contains("imagesearch_indexer_vectors_indexed_total", await http.GetStringAsync("/metrics", Cancel));
    }
}
