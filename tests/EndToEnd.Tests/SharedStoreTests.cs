using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImageSearch.Contracts;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>
/// The indexer and the query API as separate processes on one embedded store, as `dotnet run` starts them on a broker:
/// the indexer writes (it holds the writer lock), the API follows. A search finds an image within 2 s of the indexer
/// storing it; a second writer, API or indexer, is refused with a clear error and takes no work.
/// </summary>
public sealed class SharedStoreTests(RabbitMqFixture rabbit)
{
    private const string HeldByAnotherWriter = "is held by another writer";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task QueryApiSeesTheIndexersRowsWithinTwoSecondsAndASecondWriterIsRefused()
    {
        var broker = rabbit.NewBroker();
        var photos = Directory.EnumerateFiles(SharedData.ImageNet1k).Order(StringComparer.Ordinal).Take(6).ToList();
        using var folder = new TempFolder();
        var services = new ServiceProcesses(broker.Settings, folder.Path);
        await using var indexer = await services.StartIndexerAsync(Cancel);
        await using var api = await services.StartQueryApiAsync(SharedData.ImageNet1k, Cancel);
        using var http = new HttpClient { BaseAddress = api.Address };

        // Nothing stored yet: an empty answer, not an error, and the follower creates nothing.
        Assert.Empty(await SearchAsync(http, photos[0]));
        Assert.Equal(0, await CountAsync(http));

        // A second writer is refused: the API told to write exits at start, a second indexer waits without consuming.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            services.StartQueryApiAsync(SharedData.ImageNet1k, Cancel, new Dictionary<string, string?> { ["VectorStore:Embedded:Role"] = "Writer" }));
        Assert.Contains(HeldByAnotherWriter, refused.Message);
        await using var waiting = await services.StartIndexerAsync(Cancel, readyPath: "/health/live");
        await Eventually.HoldsAsync(() => waiting.Output.Contains(HeldByAnotherWriter), "the second indexer says the store is held");

        await using var embedder = await services.StartEmbedderAsync(Cancel);
        using var follower = services.OpenFollower();
        // A follower of the API's store cannot write: every insert is queued for the embedder and the indexer.
        using (var insert = await http.PostAsJsonAsync("/insert", new { paths = photos.Take(5) }, Cancel))
            Assert.Equal(HttpStatusCode.Accepted, insert.StatusCode);
        var first = ImageIds.FromPath(photos[0]);
        await Eventually.HoldsAsync(async () => await follower.DescribeAsync(PipelineHost.DefaultCollection, Cancel) is not null
            && await follower.GetAsync(PipelineHost.DefaultCollection, first, Cancel) is not null, "the indexer stores the first image", seconds: 120);
        await Eventually.HoldsAsync(async () => (await SearchAsync(http, photos[0])).FirstOrDefault() == first,
            "a search through the API finds the image the indexer stored", seconds: 2);
        await Eventually.HoldsAsync(async () => await CountAsync(http) == 5, "the API counts every stored image", seconds: 60);
        Assert.Equal(0, await waiting.MetricAsync("imagesearch_indexer_vectors_indexed_total", Cancel));
        using var client = new HttpClient { BaseAddress = waiting.Address };
        Assert.False((await client.GetAsync("/health/ready", Cancel)).IsSuccessStatusCode, "an indexer without the lock is not ready");

        // The writer killed: the kernel frees its lock, the waiting indexer takes over, and the API follows the new writer.
        await indexer.KillAsync();
        await Eventually.HoldsAsync(async () => (await client.GetAsync("/health/ready", Cancel)).IsSuccessStatusCode, "the second indexer becomes ready", seconds: 60);
        using (var insert = await http.PostAsJsonAsync("/insert", new { paths = photos.Skip(5) }, Cancel))
            Assert.Equal(HttpStatusCode.Accepted, insert.StatusCode);
        await Eventually.HoldsAsync(async () => await CountAsync(http) == 6, "the API counts the image the new writer stored", seconds: 60);
        Assert.Null(await broker.CountAsync(QueueNames.IndexImage + "_error", Cancel));
        Assert.Empty(await services.Journal().ListAsync(null, 0, 100, Cancel, includeReplayed: true));
    }

    /// <summary>Ids of the results of a search by path, closest first.</summary>
    private static async Task<List<long>> SearchAsync(HttpClient http, string path)
    {
        using var response = await http.PostAsJsonAsync("/search", new { path }, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        return body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToList();
    }

    private static async Task<long> CountAsync(HttpClient http) =>
        JsonDocument.Parse(await http.GetStringAsync("/count", Cancel)).RootElement.GetProperty("count").GetInt64();
}
