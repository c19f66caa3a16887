using System.Net;
using ImageSearch.VectorStore.Milvus;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// How data requests are written and responses read, against recorded REST v2 bodies (collections:
/// <see cref="MilvusEnsureCollectionTests"/>, failures: <see cref="MilvusFailureTests"/>). Behaviour against a real
/// Milvus is <see cref="MilvusVectorStoreContractTests"/>.
/// </summary>
public sealed class MilvusMappingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpsertSplitsIntoBatchesAndAcceptsStringIds()
    {
        var milvus = RecordedMilvus.WithOurCollection().Answer("entities/upsert", """{"code":0,"cost":0,"data":{"upsertCount":2,"upsertIds":["9007199254740993","2"]}}""");
        var (store, _) = milvus.Create();

        await store.UpsertAsync("images", [new(9007199254740993, RecordedMilvus.Vector, "/a.jpg", "cat"), new(2, RecordedMilvus.Vector, "/b.jpg", null), new(3, RecordedMilvus.Vector, "/c.jpg", null)], Ct);

        var upserts = milvus.Sent.Where(s => s.Endpoint == "entities/upsert").ToArray();
        Assert.Equal(2, upserts.Length); // BatchSize 2
        var row = upserts[0].Body["data"]![0]!;
        Assert.Equal(9007199254740993, (long)row["id"]!); // a JSON number, exact beyond 2^53
        Assert.Equal(("/a.jpg", "cat", 4), ((string)row["path"]!, (string)row["label"]!, row["embedding"]!.AsArray().Count));
        Assert.Equal("", (string?)upserts[0].Body["data"]![1]!["label"]); // no label = empty VarChar
    }

    [Fact]
    public async Task SearchSendsNprobeAndTheLabelAsATemplateValueAndReadsStringOrNumberIds()
    {
        var milvus = RecordedMilvus.WithOurCollection().Answer("entities/search",
            """{"code":0,"cost":3,"data":[{"id":"42","distance":0.12,"path":"/x.jpg","label":"a \"b\"\r\nc"},{"id":7,"distance":0.5,"path":"/y.jpg","label":""}],"topks":[2]}""");
        var (store, _) = milvus.Create();
        const string label = "a \"b\"\r\nc"; // quotes and CR/LF, which broke an escaped literal

        var hits = (await store.SearchAsync("images", [RecordedMilvus.Vector], 2, label, Ct))[0];

        var body = milvus.Body("entities/search");
        Assert.Equal(16, (int)body["searchParams"]!["params"]!["nprobe"]!);
        Assert.Equal("label == {label}", (string?)body["filter"]);
        Assert.Equal(label, (string?)body["exprParams"]!["label"]);
        Assert.Equal(("embedding", 2, "Strong"), ((string)body["annsField"]!, (int)body["limit"]!, (string)body["consistencyLevel"]!));
        Assert.Equal([new SearchHit(42, 0.12f, "/x.jpg", label), new SearchHit(7, 0.5f, "/y.jpg", null)], hits);
    }

    [Fact]
    public async Task SearchWithoutALabelSendsNoFilter()
    {
        var milvus = RecordedMilvus.WithOurCollection().Answer("entities/search", """{"code":0,"data":[]}""");
        var (store, _) = milvus.Create();

        Assert.Empty((await store.SearchAsync("images", [RecordedMilvus.Vector], 3, null, Ct))[0]);

        var body = milvus.Body("entities/search").AsObject();
        Assert.False(body.ContainsKey("filter"));
        Assert.False(body.ContainsKey("exprParams"));
    }

    [Fact]
    public async Task ManyQueryVectorsGoInOneRequestAndTopksSplitTheHitsBackInOrder()
    {
        // 2.5.16: one flat list of every vector's hits, and how many belong to each.
        var milvus = RecordedMilvus.WithOurCollection().Answer("entities/search",
            """{"code":0,"cost":6,"data":[{"id":1,"distance":0.1},{"id":2,"distance":0.2},{"id":3,"distance":0.3}],"topks":[2,0,1]}""");
        var (store, _) = milvus.Create();

        var results = await store.SearchAsync("images", [RecordedMilvus.Vector, RecordedMilvus.Vector, RecordedMilvus.Vector], 2, "cat", Ct);

        Assert.Equal(1, milvus.Count("entities/search"));
        Assert.Equal(3, milvus.Body("entities/search")["data"]!.AsArray().Count);
        Assert.Equal([[1L, 2L], [], [3L]], results.Select(r => r.Select(h => h.Id).ToArray()));
    }

    [Fact]
    public async Task QueryVectorsAreSentInChunksThatKeepAResponseBounded()
    {
        var milvus = RecordedMilvus.WithOurCollection().Answer("entities/search", """{"code":0,"data":[{"id":1,"distance":0.1},{"id":2,"distance":0.2}],"topks":[1,1]}""")
            .Answer("entities/search", """{"code":0,"data":[{"id":3,"distance":0.3}],"topks":[1]}""");
        var (store, _) = milvus.Create();
        const int k = 8192; // at most 16,384 rows per response: two vectors per request

        var results = await store.SearchAsync("images", [RecordedMilvus.Vector, RecordedMilvus.Vector, RecordedMilvus.Vector], k, null, Ct);

        Assert.Equal([2, 1], milvus.Sent.Where(s => s.Endpoint == "entities/search").Select(s => s.Body["data"]!.AsArray().Count));
        Assert.Equal([1L, 2L, 3L], results.Select(r => r.Single().Id));
    }

    [Fact]
    public async Task AServerThatSendsNoTopksIsAskedOneVectorAtATime()
    {
        // Builds before February 2025 sent the flat list without topks, and two vectors' hits cannot be told apart.
        var milvus = RecordedMilvus.WithOurCollection()
            .Answer("entities/search", """{"code":0,"data":[{"id":1,"distance":0.1},{"id":2,"distance":0.2}]}""")
            .Answer("entities/search", """{"code":0,"data":[{"id":1,"distance":0.1}]}""")
            .Answer("entities/search", """{"code":0,"data":[{"id":2,"distance":0.2}]}""");
        var (store, _) = milvus.Create();

        var results = await store.SearchAsync("images", [RecordedMilvus.Vector, RecordedMilvus.Vector], 1, null, Ct);

        Assert.Equal([2, 1, 1], milvus.Sent.Where(s => s.Endpoint == "entities/search").Select(s => s.Body["data"]!.AsArray().Count));
        Assert.Equal([1L, 2L], results.Select(r => r.Single().Id));
    }

    [Fact]
    public async Task SessionConsistencyIsSentAsStrongBecauseRestHasNoSessionTimestamp()
    {
        var milvus = RecordedMilvus.WithOurCollection()
            .Answer("entities/search", """{"code":0,"data":[]}""")
            .Answer("entities/get", """{"code":0,"data":[]}""");
        var (store, _) = milvus.Create(consistency: "Session");

        await store.SearchAsync("images", [RecordedMilvus.Vector], 1, null, Ct);
        await store.GetAsync("images", 1, Ct);

        Assert.Equal("Strong", (string?)milvus.Body("entities/search")["consistencyLevel"]);
        Assert.Equal("Strong", (string?)milvus.Body("entities/get")["consistencyLevel"]);
    }

    [Fact]
    public async Task BoundedConsistencyIsSentAsConfigured()
    {
        var milvus = RecordedMilvus.WithOurCollection().Answer("entities/search", """{"code":0,"data":[]}""");
        var (store, _) = milvus.Create(consistency: "Bounded");

        await store.SearchAsync("images", [RecordedMilvus.Vector], 1, null, Ct);

        Assert.Equal("Bounded", (string?)milvus.Body("entities/search")["consistencyLevel"]);
    }

    [Fact]
    public async Task CountReadsCountStarAsNumberOrString()
    {
        var milvus = new RecordedMilvus().Answer("entities/query", """{"code":0,"data":[{"count(*)":"12345678901"}]}""");
        var (store, _) = milvus.Create();

        Assert.Equal(12345678901, await store.CountAsync("images", Ct));
        var body = milvus.Body("entities/query");
        Assert.Equal(("count(*)", "Strong"), ((string)body["outputFields"]![0]!, (string)body["consistencyLevel"]!));
    }

    [Fact]
    public async Task GetAndDeleteUseIdsAndAFilter()
    {
        var milvus = new RecordedMilvus()
            .Answer("entities/get", """{"code":0,"data":[{"id":"5","embedding":[0.1,0.2,0.3,0.4],"path":"/p.jpg","label":"dog"}]}""")
            .Answer("entities/delete", """{"code":0,"cost":0,"data":{}}""");
        var (store, _) = milvus.Create();

        var record = await store.GetAsync("images", 5, Ct);
        await store.DeleteAsync("images", [5, 6, 7], Ct);

        Assert.Equal((5L, "/p.jpg", "dog"), (record!.Id, record.Path, record.Label));
        Assert.Equal(RecordedMilvus.Vector, record.Vector);
        Assert.Equal([5L], milvus.Body("entities/get")["id"]!.AsArray().Select(x => (long)x!));
        Assert.Equal(["id in [5,6]", "id in [7]"], milvus.Sent.Where(s => s.Endpoint == "entities/delete").Select(s => (string)s.Body["filter"]!));
    }

    [Fact]
    public async Task EveryRequestCarriesTheBearerTokenAndAsksForNumericInt64()
    {
        var milvus = new RecordedMilvus().Answer("entities/query", """{"code":200,"data":[{"count(*)":0}]}"""); // 200 = success on old builds
        var (store, _) = milvus.Create(token: "root:Milvus");

        Assert.Equal(0, await store.CountAsync("images", Ct));

        var request = milvus.Sent.Single().Request;
        Assert.Equal("Bearer root:Milvus", request.Headers.Authorization!.ToString());
        Assert.Equal("true", request.Headers.GetValues("Accept-Type-Allow-Int64").Single());
        Assert.Equal("http://milvus.test:19530/v2/vectordb/entities/query", request.RequestUri!.ToString());
    }
}
