using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ImageSearch.QueryApi.Tests;

/// <summary>Bad query images get a 4xx problem with the reason, and the service keeps answering.</summary>
public sealed class BadUploadTests(SeededApi api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, byte[], HttpStatusCode, string> BadFiles()
    {
        var jpeg = TestImages.Jpeg(7, 640, 480);
        return new()
        {
            { "empty", [], HttpStatusCode.UnprocessableEntity, "FileEmpty" },
            { "text named .jpg", "this is not a picture, whatever its name says"u8.ToArray(), HttpStatusCode.UnsupportedMediaType, "NotAnImage" },
            { "truncated JPEG", jpeg[..(jpeg.Length / 2)], HttpStatusCode.UnprocessableEntity, "Corrupt" },
            { "JPEG header only", jpeg[..200], HttpStatusCode.UnprocessableEntity, "Corrupt" },
            { "oversized", new byte[QueryApiFactory.MaxUploadBytes + 1], HttpStatusCode.RequestEntityTooLarge, "TooManyBytes" },
        };
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task BadUploadGetsProblemAndServiceStaysHealthy(string what, byte[] bytes, HttpStatusCode status, string reason)
    {
        using var client = api.Client();

        var response = await SearchTests.Upload(client, "/search", bytes, $"{what}.jpg");

        await Problems.AssertProblemAsync(response, status, reason);
        await AssertStillServingAsync(client);
    }

    [Fact]
    public async Task FormWithoutFileIsRefused()
    {
        using var client = api.Client();
        var response = await client.PostAsync("/search", new MultipartFormDataContent { { new StringContent("10"), "k" } }, Ct);
        await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest, "InvalidRequest");
    }

    [Fact]
    public async Task UnsupportedContentTypeIsRefused()
    {
        using var client = api.Client();
        var response = await client.PostAsync("/search", new ByteArrayContent(TestImages.Jpeg(2)) { Headers = { ContentType = new("image/jpeg") } }, Ct);
        await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task MalformedJsonIsRefused()
    {
        using var client = api.Client();
        var response = await client.PostAsync("/search", new StringContent("{\"path\": ", System.Text.Encoding.UTF8, "application/json"), Ct);
        await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RequestBeyondKestrelsLimitIsRefused()
    {
        // More than every allowed file together: Kestrel refuses from the Content-Length before reading the body, and the
        // answer is still a problem. (The client waits for "100 Continue", as curl does for large bodies, so it hears the 413.)
        using var client = api.Client();
        client.DefaultRequestHeaders.ExpectContinue = true;
        var response = await SearchTests.Upload(client, "/search", new byte[QueryApiFactory.MaxUploadBytes * 5 + 2 * 1024 * 1024], "huge.jpg");
        await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "TooManyBytes");
        await AssertStillServingAsync(client);
    }

    [Fact]
    public async Task SearchTakesOneImageSoItsLimitIsBelowAnInsertsLimit()
    {
        // Three files that each pass the upload limit, as an insert may carry: a search reads one image, so its own limit
        // (one upload and its envelope) refuses the request, while the same body is within what /insert accepts.
        using var client = api.Client();
        client.DefaultRequestHeaders.ExpectContinue = true;
        var file = new byte[QueryApiFactory.MaxUploadBytes - 1024];
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < 3; i++)
            form.Add(new ByteArrayContent(file), "image", $"part{i}.jpg");
        var response = await client.PostAsync("/search", form, Ct);
        await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "TooManyBytes");
        await AssertStillServingAsync(client);
    }

    [Fact]
    public async Task UnknownRouteIsAProblem()
    {
        using var client = api.Client();
        await Problems.AssertProblemAsync(await client.GetAsync("/no-such-thing", Ct), HttpStatusCode.NotFound);
    }

    private static async Task AssertStillServingAsync(HttpClient client)
    {
        using var health = await client.GetAsync("/health", Ct);
        var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        if (SharedData.Directory is null)
            return;
        var ok = await SearchTests.Upload(client, "/search?k=1", await File.ReadAllBytesAsync(SharedData.ImageNet100Files[5], Ct), "ok.jpg");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Single((await ok.Content.ReadFromJsonAsync<ImageSearch.QueryApi.Search.SearchResponse>(Ct))!.Results);
    }
}
