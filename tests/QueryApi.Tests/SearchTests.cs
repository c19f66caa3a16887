using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ImageSearch.QueryApi.Search;

namespace ImageSearch.QueryApi.Tests;

public sealed class SearchTests(SeededApi api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<int> Photos => new(0, 17, 42, 77, 99);

    [Theory]
    [MemberData(nameof(Photos))]
    public async Task UploadedPhotoFindsItselfFirst(int index)
    {
        api.RequireSeeded();
        var photo = SharedData.ImageNet100Files[index];
        using var client = api.Client();

        var response = await Upload(client, "/search?k=5", await File.ReadAllBytesAsync(photo, Ct), "query.jpg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<SearchResponse>(Ct))!;
        Assert.Equal(5, body.Results.Count);
        Assert.Equal(photo, body.Results[0].Path);
        Assert.Equal(Path.GetFileName(Path.GetDirectoryName(photo)), body.Results[0].Label);
        Assert.True(body.Results[0].Distance < 1e-3, $"distance to itself {body.Results[0].Distance}");
        Assert.True(body.Results[1].Distance > body.Results[0].Distance);
        Assert.Equal($"/images/{body.Results[0].Id}", body.Results[0].ThumbnailUrl);
        Assert.Equal("resnet18", body.Model);
        Assert.True(body.Timings.TotalMs >= body.Timings.EmbedMs && body.Timings.EmbedMs > 0);
    }

    [Fact]
    public async Task PathUnderAllowedRootFindsItselfFirst()
    {
        api.RequireSeeded();
        var photo = SharedData.ImageNet100Files[3];
        using var client = api.Client();

        var response = await client.PostAsJsonAsync("/search", new { path = photo, k = 3 }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<SearchResponse>(Ct))!;
        Assert.Equal(3, body.Results.Count);
        Assert.Equal(photo, body.Results[0].Path);
    }

    [Fact]
    public async Task LabelFilterReturnsOnlyThatLabel()
    {
        api.RequireSeeded();
        var photo = SharedData.ImageNet100Files[10];
        var other = Path.GetFileName(Path.GetDirectoryName(SharedData.ImageNet100Files[60]))!;
        using var client = api.Client();

        var response = await Upload(client, $"/search?k=10&label={Uri.EscapeDataString(other)}", await File.ReadAllBytesAsync(photo, Ct), "q.jpg");

        var body = (await response.Content.ReadFromJsonAsync<SearchResponse>(Ct))!;
        var hit = Assert.Single(body.Results); // one photo per class
        Assert.Equal(other, hit.Label);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task KOutOfBoundsIsRefused(int k)
    {
        using var client = api.Client();
        var response = await Upload(client, $"/search?k={k}", TestImages.Jpeg(1), "q.jpg");
        await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest, "InvalidRequest");
    }

    [Fact]
    public async Task CountsTheCollection()
    {
        api.RequireSeeded();
        using var client = api.Client();
        var count = (await client.GetFromJsonAsync<CountResponse>("/count", Ct))!;
        Assert.Equal("images", count.Collection);
        Assert.Equal("resnet18", count.Model);
        Assert.True(count.Count >= 100, $"count {count.Count}");
    }

    internal static Task<HttpResponseMessage> Upload(HttpClient client, string url, byte[] bytes, string name, string contentType = "image/jpeg")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var form = new MultipartFormDataContent { { file, "image", name } };
        return client.PostAsync(url, form, TestContext.Current.CancellationToken);
    }
}
