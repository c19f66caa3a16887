using System.Net;
using System.Net.Http.Json;
using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using ImageSearch.QueryApi.Insert;
using ImageSearch.QueryApi.Search;
using ImageSearch.VectorStore;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.QueryApi.Tests;

public sealed class InsertTests(SeededApi api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SmallInsertIsStoredBeforeTheAnswerAndIsIdempotent()
    {
        var paths = Enumerable.Range(100, 2).Select(i => TestImages.Write(api.Images, $"sync-{i}.jpg", TestImages.Jpeg(i))).ToArray();
        using var client = api.Client(withKey: true);
        var before = await CountAsync(client);

        var response = await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: paths, Label: "generated"), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var inserted = (await response.Content.ReadFromJsonAsync<InsertResponse>(Ct))!.Inserted;
        Assert.Equal(paths, inserted.Select(i => i.Path));
        Assert.Equal(paths.Select(ImageIds.FromPath), inserted.Select(i => i.Id));
        Assert.Equal(before + 2, await CountAsync(client));
        var found = await SearchTests.Upload(client, "/search?k=1", await File.ReadAllBytesAsync(paths[1], Ct), "q.jpg");
        var hit = Assert.Single((await found.Content.ReadFromJsonAsync<SearchResponse>(Ct))!.Results);
        Assert.Equal((paths[1], "generated"), (hit.Path, hit.Label));

        // The same paths again: same ids, upserted, nothing added.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: paths), Ct)).StatusCode);
        Assert.Equal(before + 2, await CountAsync(client));
    }

    [Fact]
    public async Task MixedInsertStoresTheGoodAndExplainsTheBad()
    {
        var good = TestImages.Write(api.Images, "mixed-good.jpg", TestImages.Jpeg(200));
        var text = TestImages.Write(api.Images, "mixed-text.jpg", "plain text"u8.ToArray());
        var missing = Path.Combine(api.Images, "mixed-missing.jpg");
        using var client = api.Client(withKey: true);

        var response = await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: [good, text, missing]), Ct);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var failures = problem.GetProperty("failures").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("reason").GetString());
        Assert.Equal(new Dictionary<string, string?> { [text] = "NotAnImage", [missing] = "FileMissing" }, failures);
        Assert.Equal(good, Assert.Single(problem.GetProperty("inserted").EnumerateArray()).GetProperty("path").GetString());
    }

    [Fact]
    public async Task UploadsAreKeptInTheUploadsFolderByContent()
    {
        var bytes = TestImages.Jpeg(300);
        using var client = api.Client(withKey: true);

        var first = (await (await SearchTests.Upload(client, "/insert", bytes, "holiday.jpg")).Content.ReadFromJsonAsync<InsertResponse>(Ct))!.Inserted.Single();
        var second = (await (await SearchTests.Upload(client, "/insert", bytes, "same-photo-renamed.png")).Content.ReadFromJsonAsync<InsertResponse>(Ct))!.Inserted.Single();

        Assert.StartsWith(api.Uploads + Path.DirectorySeparatorChar, first.Path);
        Assert.EndsWith(".jpg", first.Path); // named by the sniffed format, not the client's name
        Assert.Equal(bytes, await File.ReadAllBytesAsync(first.Path, Ct));
        Assert.Equal((first.Id, first.Path), (second.Id, second.Path));
        Assert.Equal("holiday.jpg", first.Name);
    }

    [Fact]
    public async Task UploadThatIsNotAnImageIsNotKept()
    {
        using var client = api.Client(withKey: true);
        var before = Directory.EnumerateFiles(api.Uploads, "*", SearchOption.AllDirectories).Count();
        var response = await SearchTests.Upload(client, "/insert", "<html>not a picture</html>"u8.ToArray(), "fake.gif", "image/gif");
        await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "NotAnImage");
        Assert.Equal(before, Directory.EnumerateFiles(api.Uploads, "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task LargeInsertIsQueuedAndTracked()
    {
        await using var capture = await EmbedImageCapture.StartAsync(api.Services, "test-embed-image");
        var paths = Enumerable.Range(0, 40).Select(i => Path.Combine(api.Images, "queued", $"{i:D3}.jpg")).ToArray();
        using var client = api.Client(withKey: true);

        var response = await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: paths, Label: "queued"), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<InsertAccepted>(Ct))!;
        Assert.Equal(40, accepted.Queued);
        Assert.Equal($"/insert/{accepted.TrackingId}", response.Headers.Location?.OriginalString);
        await Eventually.HoldsAsync(() => capture.Messages.Count == 40, "all 40 EmbedImage messages arrive", seconds: 20);
        var published = capture.Messages;
        Assert.All(published, m => Assert.Equal(("queued", "images", 1), (m.Label, m.Collection, m.Attempt)));
        Assert.Equal(paths.Select(ImageIds.FromPath).Order(), published.Select(m => m.ImageId).Order());

        var status = await StatusAsync(client, accepted.StatusUrl);
        Assert.Equal((40L, 0L, 0L, 40L, false), (status.Total, status.Stored, status.DeadLettered, status.Pending, status.Done));

        // What the pipeline does next, through the same APIs: the indexer stores one image, the recorder journals another.
        var store = api.Services.GetRequiredService<IVectorStore>();
        var vector = new float[512];
        vector[0] = 1;
        await store.UpsertAsync("images", [new VectorRecord(published[0].ImageId, vector, published[0].Path, "queued")], Ct);
        await api.Services.GetRequiredService<DeadLetterJournal>().RecordAsync(
            [new ImageDeadLettered(published[1].ImageId, published[1].Path, "queued", "images", PipelineStage.Embed, DeadLetterReason.FileMissing, "file not found", 1, DateTimeOffset.UtcNow)], Ct);

        status = await StatusAsync(client, accepted.StatusUrl);
        Assert.Equal((40L, 1L, 1L, 38L), (status.Total, status.Stored, status.DeadLettered, status.Pending));
        Assert.Equal(1, status.DeadLettersByReason["FileMissing"]);
        await store.DeleteAsync("images", [published[0].ImageId], Ct);
    }

    [Fact]
    public async Task UnknownTrackingIdIsNotFound()
    {
        using var client = api.Client();
        await Problems.AssertProblemAsync(await client.GetAsync("/insert/0123456789abcdef", Ct), HttpStatusCode.NotFound);
    }

    private static async Task<InsertStatus> StatusAsync(HttpClient client, string url) =>
        (await client.GetFromJsonAsync<InsertStatus>(url, Ct))!;

    private static async Task<long> CountAsync(HttpClient client) => (await client.GetFromJsonAsync<CountResponse>("/count", Ct))!.Count;
}
