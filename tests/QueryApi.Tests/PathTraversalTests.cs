using System.Net;
using System.Net.Http.Json;
using System.Text;
using ImageSearch.QueryApi.Insert;

namespace ImageSearch.QueryApi.Tests;

/// <summary>No request reads a file outside the allowed roots, however the path is spelled or linked.</summary>
public sealed class PathTraversalTests(SeededApi api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Paths that lead to a real image outside the roots; each must be refused with reason OutsideAllowedRoots.</summary>
    private string[] EscapingPaths()
    {
        var secret = TestImages.Write(Directory.CreateDirectory(api.Outside).FullName, "secret.jpg", TestImages.Jpeg(99));
        var fileLink = Path.Combine(api.Images, "link-to-secret.jpg");
        var folderLink = Path.Combine(api.Images, "link-to-outside");
        if (!File.Exists(fileLink))
            File.CreateSymbolicLink(fileLink, secret);
        if (!Directory.Exists(folderLink))
            Directory.CreateSymbolicLink(folderLink, api.Outside);
        var outsideName = Path.GetFileName(api.Outside);
        return
        [
            secret,                                                          // absolute, outside
            Path.Combine(api.Images, "..", "..", outsideName, "secret.jpg"), // ../ out of the root
            api.Root + "/images/../../" + outsideName + "/secret.jpg",
            fileLink,                                                        // a link to a file outside
            Path.Combine(folderLink, "secret.jpg"),                          // through a linked folder
            Path.Combine(folderLink, ".", "secret.jpg"),
            api.Root + "-outside/secret.jpg",                                // a sibling sharing the root's prefix
        ];
    }

    [Fact]
    public async Task SearchByPathNeverLeavesTheRoots()
    {
        using var client = api.Client();
        foreach (var path in EscapingPaths())
            await Problems.AssertProblemAsync(await client.PostAsJsonAsync("/search", new { path }, Ct), HttpStatusCode.Forbidden, "OutsideAllowedRoots");
        // System files: refused before anything is opened.
        foreach (var path in new[] { "/etc/passwd", "../../../../../../etc/hostname", "/proc/self/environ" })
            await Problems.AssertProblemAsync(await client.PostAsJsonAsync("/search", new { path }, Ct), HttpStatusCode.Forbidden, "OutsideAllowedRoots");
    }

    [Fact]
    public async Task JsonEscapedAndNulPathsAreRefused()
    {
        using var client = api.Client();
        var escaped = $"{{\"path\": \"{api.Images}/\\u002e\\u002e/\\u002e\\u002e/{Path.GetFileName(api.Outside)}/secret.jpg\"}}";
        EscapingPaths();
        await Problems.AssertProblemAsync(await client.PostAsync("/search", new StringContent(escaped, Encoding.UTF8, "application/json"), Ct),
            HttpStatusCode.Forbidden, "OutsideAllowedRoots");
        var nul = $"{{\"path\": \"{api.Images}/a.jpg\\u0000/../../../etc/passwd\"}}";
        await Problems.AssertProblemAsync(await client.PostAsync("/search", new StringContent(nul, Encoding.UTF8, "application/json"), Ct),
            HttpStatusCode.BadRequest, "InvalidMessage");
    }

    [Fact]
    public async Task InsertNeverLeavesTheRoots()
    {
        using var client = api.Client(withKey: true);
        var paths = EscapingPaths();
        var response = await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: paths), Ct);
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.Forbidden, "OutsideAllowedRoots");
        Assert.Equal(paths.Length, problem.GetProperty("failures").GetArrayLength());
        Assert.Equal(0, problem.GetProperty("inserted").GetArrayLength());
    }

    [Theory]
    [InlineData("/images/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/images/%2e%2e%2f%2e%2e%2fetc%2fpasswd")]
    [InlineData("/images/..%252F..%252Fetc%252Fpasswd")]
    [InlineData("/images/1%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/images/%2Fetc%2Fpasswd")]
    [InlineData("/images/-1")]
    [InlineData("/images/9999999999999")]
    public async Task ThumbnailRouteTakesOnlyStoredIds(string url)
    {
        using var client = api.Client();
        var response = await client.GetAsync(url, Ct);
        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ThumbnailOfAFileSwappedForALinkOutsideIsRefused()
    {
        // Stored while it was a real file inside the root; replaced since by a link to a file outside.
        var path = TestImages.Write(api.Images, "swapped.jpg", TestImages.Jpeg(31));
        using var client = api.Client(withKey: true);
        var inserted = (await (await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: [path]), Ct)).Content.ReadFromJsonAsync<InsertResponse>(Ct))!;
        var id = Assert.Single(inserted.Inserted).Id;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/images/{id}", Ct)).StatusCode);

        File.Delete(path);
        File.CreateSymbolicLink(path, EscapingPaths()[0]);

        await Problems.AssertProblemAsync(await client.GetAsync($"/images/{id}", Ct), HttpStatusCode.Forbidden, "OutsideAllowedRoots");
    }
}
