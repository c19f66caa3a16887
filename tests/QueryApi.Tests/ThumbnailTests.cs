using System.Net;
using System.Net.Http.Json;
using ImageSearch.QueryApi.Insert;
using OpenCvSharp;

namespace ImageSearch.QueryApi.Tests;

public sealed class ThumbnailTests(SeededApi api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThumbnailIsASmallJpegWithCacheHeaders()
    {
        var path = TestImages.Write(api.Images, "large.jpg", TestImages.Jpeg(400, 1200, 900));
        using var client = api.Client(withKey: true);
        var id = (await (await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: [path]), Ct)).Content.ReadFromJsonAsync<InsertResponse>(Ct))!.Inserted.Single().Id;

        using var response = await client.GetAsync($"/images/{id}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        using var thumbnail = Cv2.ImDecode(await response.Content.ReadAsByteArrayAsync(Ct), ImreadModes.Color);
        Assert.Equal((256, 192), (thumbnail.Width, thumbnail.Height)); // longer side = QueryApi:ThumbnailSize, aspect kept
        Assert.True(response.Headers.CacheControl?.Public);
        Assert.Equal(TimeSpan.FromDays(1), response.Headers.CacheControl?.MaxAge);
        var tag = response.Headers.ETag;
        Assert.NotNull(tag);

        using var revalidation = new HttpRequestMessage(HttpMethod.Get, $"/images/{id}") { Headers = { IfNoneMatch = { tag } } };
        using var notModified = await client.SendAsync(revalidation, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // A changed file gets a new tag.
        await File.WriteAllBytesAsync(path, TestImages.Jpeg(401, 600, 600), Ct);
        using var changed = await client.GetAsync($"/images/{id}", Ct);
        Assert.NotEqual(tag, changed.Headers.ETag);
    }

    [Fact]
    public async Task ThumbnailOfADeletedFileIsNotFound()
    {
        var path = TestImages.Write(api.Images, "deleted.jpg", TestImages.Jpeg(402));
        using var client = api.Client(withKey: true);
        var id = (await (await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: [path]), Ct)).Content.ReadFromJsonAsync<InsertResponse>(Ct))!.Inserted.Single().Id;
        File.Delete(path);

        await Problems.AssertProblemAsync(await client.GetAsync($"/images/{id}", Ct), HttpStatusCode.NotFound, "FileMissing");
    }
}
