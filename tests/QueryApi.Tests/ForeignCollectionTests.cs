using System.Net;
using System.Net.Http.Json;
using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.QueryApi.Tests;

/// <summary>
/// A collection filled by another model: its distances would mean nothing to this API's queries, so search and insert
/// answer 409 with the reason, as docs/query-api.md promises, never a 500.
/// </summary>
public sealed class ForeignCollectionTests : IAsyncLifetime
{
    private readonly ForeignCollectionApi _api = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _api.InitializeAsync();

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task SearchAndInsertAgainstAnotherModelsCollectionAreAConflict()
    {
        using var client = _api.Client(withKey: true);
        var search = await SearchTests.Upload(client, "/search", TestImages.Jpeg(1), "q.jpg");
        var problem = await Problems.AssertProblemAsync(search, HttpStatusCode.Conflict, "CollectionMismatch");
        Assert.Contains("another-model", problem.GetProperty("detail").GetString());

        var image = Path.Combine(_api.Images, "one.jpg");
        await File.WriteAllBytesAsync(image, TestImages.Jpeg(2), Ct);
        var insert = await client.PostAsync("/insert", JsonContent.Create(new { paths = new[] { image } }), Ct);
        await Problems.AssertProblemAsync(insert, HttpStatusCode.Conflict, "CollectionMismatch");
    }

    /// <summary>The API over a store whose "images" collection was made by another model before it started.</summary>
    private sealed class ForeignCollectionApi : QueryApiFactory
    {
        public override async ValueTask InitializeAsync()
        {
            using (var store = new EmbeddedVectorStore(new EmbeddedStoreOptions { Path = Path.Combine(Root, "store") }))
                await store.EnsureCollectionAsync(new CollectionSpec("images", 512, "another-model"), CancellationToken.None);
            await base.InitializeAsync();
        }
    }
}
