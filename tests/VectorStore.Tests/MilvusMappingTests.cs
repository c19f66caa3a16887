using System.Net;
using ImageSearch.VectorStore.Milvus;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>How requests are written and responses read, against recorded REST v2 bodies. Behaviour against a real Milvus is <see cref="MilvusVectorStoreContractTests"/>.</summary>
public sealed class MilvusMappingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly float[] Query = [0.1f, 0.2f, 0.3f, 0.4f];

    private static RecordedMilvus KnownCollection() => new RecordedMilvus()
        .Answer("collections/has", """{"code":0,"data":{"has":true}}""")
        .Answer("collections/describe", RecordedMilvus.DescribeOurs);

    [Fact]
    public async Task CreateSendsTheSchemaIndexAndOurMetadataThenWaitsForLoad()
    {
        var milvus = new RecordedMilvus()
            .Answer("collections/has", """{"code":0,"data":{"has":false}}""")
            .Answer("collections/create", """{"code":0,"data":{}}""")
            .Answer("collections/get_load_state", """{"code":0,"data":{"loadState":"LoadStateLoading","loadProgress":40}}""")
            .Answer("collections/get_load_state", """{"code":0,"data":{"loadState":"LoadStateLoaded","loadProgress":100}}""");
        var (store, _) = milvus.Create();

        await store.EnsureCollectionAsync(new CollectionSpec("images", 512, "resnet18-v1+rp128s42"), Ct);

        var body = milvus.Body("collections/create");
        Assert.Equal("images", (string?)body["collectionName"]);
        var fields = body["schema"]!["fields"]!.AsArray();
        Assert.Equal(["id:Int64", "embedding:FloatVector", "path:VarChar", "label:VarChar"], fields.Select(f => $"{f!["fieldName"]}:{f["dataType"]}"));
        Assert.True((bool)fields[0]!["isPrimary"]!);
        Assert.Equal("512", (string?)fields[1]!["elementTypeParams"]!["dim"]);
        Assert.False((bool)body["schema"]!["autoID"]!);
        var index = body["indexParams"]![0]!;
        Assert.Equal(("embedding", "L2", "IVF_FLAT", 2048), ((string)index["fieldName"]!, (string)index["metricType"]!, (string)index["params"]!["index_type"]!, (int)index["params"]!["nlist"]!));
        Assert.Contains("resnet18-v1+rp128s42", (string?)body["description"]);
        Assert.Equal(2, milvus.Sent.Count(s => s.Endpoint == "collections/get_load_state"));
    }

    [Fact]
    public async Task HnswIndexAndCosineAreAskedForByName()
    {
        var milvus = new RecordedMilvus()
            .Answer("collections/has", """{"code":0,"data":{"has":false}}""")
            .Answer("collections/create", """{"code":0,"data":{}}""")
            .Answer("collections/get_load_state", """{"code":0,"data":{"loadState":"LoadStateLoaded"}}""");
        var (store, _) = milvus.Create();

        await store.EnsureCollectionAsync(new CollectionSpec("c", 8, "m", DistanceMetric.Cosine, new IndexSpec(IndexKind.Hnsw, M: 24, EfConstruction: 300)), Ct);

        var index = milvus.Body("collections/create")["indexParams"]![0]!;
        Assert.Equal(("COSINE", "HNSW", 24, 300), ((string)index["metricType"]!, (string)index["params"]!["index_type"]!, (int)index["params"]!["M"]!, (int)index["params"]!["efConstruction"]!));
    }

    [Fact]
    public async Task AnExistingCollectionForAnotherModelIsAMismatch()
    {
        var (store, _) = KnownCollection().Create();
        var error = await Assert.ThrowsAsync<CollectionMismatchException>(() => store.EnsureCollectionAsync(new CollectionSpec("images", 4, "clip-vit-b32"), Ct));
        Assert.Contains("clip-vit-b32", error.Message);
        Assert.Contains("resnet18-v1", error.Message);
    }

    [Fact]
    public async Task ACollectionNotCreatedByUsIsRefused()
    {
        var (store, _) = new RecordedMilvus()
            .Answer("collections/has", """{"code":0,"data":{"has":true}}""")
            .Answer("collections/describe", """{"code":0,"data":{"collectionName":"images","description":"","fields":[{"name":"id","type":"Int64","primaryKey":true},{"name":"vector","type":"FloatVector","params":[{"key":"dim","value":"4"}]}]}}""")
            .Create();
        var error = await Assert.ThrowsAsync<CollectionMismatchException>(() => store.EnsureCollectionAsync(new CollectionSpec("images", 4, "m"), Ct));
        Assert.Contains("not created by this application", error.Message);
    }

    [Fact]
    public async Task UpsertSplitsIntoBatchesAndAcceptsStringIds()
    {
        var milvus = KnownCollection().Answer("entities/upsert", """{"code":0,"cost":0,"data":{"upsertCount":2,"upsertIds":["9007199254740993","2"]}}""");
        var (store, _) = milvus.Create();

        await store.UpsertAsync("images", [new(9007199254740993, Query, "/a.jpg", "cat"), new(2, Query, "/b.jpg", null), new(3, Query, "/c.jpg", null)], Ct);

        var upserts = milvus.Sent.Where(s => s.Endpoint == "entities/upsert").ToArray();
        Assert.Equal(2, upserts.Length); // BatchSize 2
        var row = upserts[0].Body["data"]![0]!;
        Assert.Equal(9007199254740993, (long)row["id"]!); // a JSON number, exact beyond 2^53
        Assert.Equal(("/a.jpg", "cat", 4), ((string)row["path"]!, (string)row["label"]!, row["embedding"]!.AsArray().Count));
        Assert.Equal("", (string?)upserts[0].Body["data"]![1]!["label"]); // no label = empty VarChar
    }

    [Fact]
    public async Task SearchSendsNprobeAndAQuotedLabelFilterAndReadsStringOrNumberIds()
    {
        var milvus = KnownCollection().Answer("entities/search",
            """{"code":0,"cost":3,"data":[{"id":"42","distance":0.12,"path":"/x.jpg","label":"a \"b\""},{"id":7,"distance":0.5,"path":"/y.jpg","label":""}]}""");
        var (store, _) = milvus.Create();

        var hits = (await store.SearchAsync("images", [Query], 2, "a \"b\"", Ct))[0];

        var body = milvus.Body("entities/search");
        Assert.Equal(16, (int)body["searchParams"]!["params"]!["nprobe"]!);
        Assert.Equal("label == \"a \\\"b\\\"\"", (string?)body["filter"]);
        Assert.Equal(("embedding", 2, "Strong"), ((string)body["annsField"]!, (int)body["limit"]!, (string)body["consistencyLevel"]!));
        Assert.Equal([new SearchHit(42, 0.12f, "/x.jpg", "a \"b\""), new SearchHit(7, 0.5f, "/y.jpg", null)], hits);
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
        Assert.Equal(Query, record.Vector);
        Assert.Equal([5L], milvus.Body("entities/get")["id"]!.AsArray().Select(x => (long)x!));
        Assert.Equal(["id in [5,6]", "id in [7]"], milvus.Sent.Where(s => s.Endpoint == "entities/delete").Select(s => (string)s.Body["filter"]!));
    }

    [Fact]
    public async Task AnErrorInsideHttp200IsAMilvusExceptionWithCodeAndMessage()
    {
        var milvus = new RecordedMilvus().Answer("entities/query",
            """{"code":1100,"message":"invalid parameter[expected=valid expr][actual=label = 1]"}""");
        var (store, _) = milvus.Create();

        var error = await Assert.ThrowsAsync<MilvusException>(() => store.CountAsync("images", Ct));

        Assert.Equal((1100, "entities/query"), (error.Code, error.Endpoint));
        Assert.Contains("invalid parameter", error.Message);
        Assert.Single(milvus.Sent); // not retried
    }

    [Fact]
    public async Task CollectionNotFoundBecomesItsOwnException()
    {
        var (store, _) = new RecordedMilvus()
            .Answer("entities/query", """{"code":100,"message":"collection not found[collection=ghost]"}""").Create();
        var error = await Assert.ThrowsAsync<CollectionNotFoundException>(() => store.CountAsync("ghost", Ct));
        Assert.Equal("ghost", error.Collection);
    }

    [Fact]
    public async Task RetriableCodesAndServerErrorsAreRetriedThenSucceed()
    {
        var milvus = new RecordedMilvus()
            .Answer("entities/query", """{"code":1807,"message":"request is rejected by limiter"}""")
            .Answer("entities/query", "upstream down", HttpStatusCode.ServiceUnavailable)
            .Answer("entities/query", """{"code":0,"data":[{"count(*)":3}]}""");
        var (store, _) = milvus.Create(retries: 2);

        Assert.Equal(3, await store.CountAsync("images", Ct));
        Assert.Equal(3, milvus.Sent.Count);
    }

    [Fact]
    public async Task PersistentServerErrorsBecomeStoreUnavailable()
    {
        var milvus = new RecordedMilvus().Answer("entities/query", "bad gateway", HttpStatusCode.BadGateway);
        var (store, _) = milvus.Create(retries: 2);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CountAsync("images", Ct));

        Assert.Equal(3, milvus.Sent.Count);
        Assert.Contains("502", error.Message);
    }

    [Fact]
    public async Task A4xxIsAClearErrorAndNotRetried()
    {
        var milvus = new RecordedMilvus().Answer("entities/query", """{"code":1800,"message":"user hasn't authenticated"}""", HttpStatusCode.Unauthorized);
        var (store, _) = milvus.Create();

        var error = await Assert.ThrowsAsync<MilvusException>(() => store.CountAsync("images", Ct));

        Assert.Equal(401, error.Code);
        Assert.Contains("authenticated", error.Message);
        Assert.Single(milvus.Sent);
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
