using System.Net;
using System.Net.Http.Json;

namespace ImageSearch.QueryApi.Tests;

/// <summary>Problem details show file contents and where links lead only to callers holding the API key.</summary>
public sealed class ErrorDetailTests(SeededApi api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnonymousCallersAreNotShownWhereALinkLeads()
    {
        var secret = TestImages.Write(Directory.CreateDirectory(api.Outside).FullName, "detail-secret.jpg", TestImages.Jpeg(98));
        var link = Path.Combine(api.Images, "detail-link.jpg");
        if (!File.Exists(link))
            File.CreateSymbolicLink(link, secret);
        using var anonymous = api.Client();
        using var keyed = api.Client(withKey: true);

        var hidden = await Problems.AssertProblemAsync(await anonymous.PostAsJsonAsync("/search", new { path = link }, Ct), HttpStatusCode.Forbidden, "OutsideAllowedRoots");
        var shown = await Problems.AssertProblemAsync(await keyed.PostAsJsonAsync("/search", new { path = link }, Ct), HttpStatusCode.Forbidden, "OutsideAllowedRoots");

        Assert.DoesNotContain("detail-secret", hidden.ToString());
        Assert.Equal("The path is outside the allowed folders (OutsideAllowedRoots).", hidden.GetProperty("detail").GetString());
        Assert.Contains($"leads to {Path.GetFullPath(secret)}", shown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnonymousCallersAreNotShownTheBytesOfAFileThatIsNoImage()
    {
        var bytes = "SECRET-CONTENT of a file that is no image"u8.ToArray();
        using var anonymous = api.Client();
        using var keyed = api.Client(withKey: true);

        var hidden = await Problems.AssertProblemAsync(await SearchTests.Upload(anonymous, "/search", bytes, "x.jpg"), HttpStatusCode.UnsupportedMediaType, "NotAnImage");
        var shown = await Problems.AssertProblemAsync(await SearchTests.Upload(keyed, "/search", bytes, "x.jpg"), HttpStatusCode.UnsupportedMediaType, "NotAnImage");

        Assert.DoesNotContain("SECRET", hidden.ToString());
        Assert.Contains("it starts with \"SECRET-C\"", shown.GetProperty("detail").GetString());
    }
}
