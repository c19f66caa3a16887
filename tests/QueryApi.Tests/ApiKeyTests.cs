using System.Net;
using System.Net.Http.Json;
using ImageSearch.QueryApi.Insert;

namespace ImageSearch.QueryApi.Tests;

public sealed class ApiKeyTests(SeededApi api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key-0123456789")]
    [InlineData(QueryApiFactory.ApiKey + "x")]
    public async Task WriteEndpointsNeedTheKey(string? key)
    {
        var path = TestImages.Write(api.Images, "keyed.jpg", TestImages.Jpeg(500));
        using var client = api.Client();
        if (key is not null)
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", key);

        await Problems.AssertProblemAsync(await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: [path]), Ct), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await SearchTests.Upload(client, "/insert", TestImages.Jpeg(501), "a.jpg"), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await client.PostAsync("/dead-letters/replay?all=true", null, Ct), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await client.PostAsync("/errors/requeue", null, Ct), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await client.PostAsync("/errors/to-journal", null, Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WriteEndpointsWorkWithTheKeyAndReadEndpointsNeedNone()
    {
        var path = TestImages.Write(api.Images, "keyed-ok.jpg", TestImages.Jpeg(502));
        using (var keyed = api.Client(withKey: true))
            Assert.Equal(HttpStatusCode.Created, (await keyed.PostAsJsonAsync("/insert", new InsertRequest(Paths: [path]), Ct)).StatusCode);

        using var open = api.Client();
        Assert.Equal(HttpStatusCode.OK, (await open.GetAsync("/count", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await open.GetAsync("/dead-letters", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SearchTests.Upload(open, "/search", TestImages.Jpeg(503), "q.jpg")).StatusCode);
    }
}

/// <summary>An API without a key, whose journal path is unusable: inserts are open, and a real internal failure reads as a clean 500.</summary>
public sealed class OpenApiTests : IAsyncLifetime
{
    private readonly OpenApiFactory _api = new();

    public ValueTask InitializeAsync() => _api.InitializeAsync();

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task WithoutAConfiguredKeyInsertsNeedNone()
    {
        var path = TestImages.Write(_api.Images, "open.jpg", TestImages.Jpeg(600));
        using var client = _api.Client();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: [path]), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task UnhandledFailureIsAProblemWithoutInternals()
    {
        using var client = _api.Client();
        var problem = await Problems.AssertProblemAsync(await client.GetAsync("/dead-letters", TestContext.Current.CancellationToken), HttpStatusCode.InternalServerError);
        Assert.True(problem.TryGetProperty("traceId", out _));
        Assert.DoesNotContain("Sqlite", problem.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    private sealed class OpenApiFactory : QueryApiFactory
    {
        // A folder where the journal's file should be: SQLite cannot open it.
        protected override Dictionary<string, string?> Settings => new()
        {
            ["QueryApi:ApiKey"] = "",
            ["DeadLetters:Path"] = Directory.CreateDirectory(Path.Combine(Root, "journal-is-a-folder")).FullName,
        };
    }
}
