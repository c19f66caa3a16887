using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// EnsureCollection against recorded REST v2 bodies: what create sends, and that every state another process (or an
/// interrupted call) can leave behind ends as collection + index + loaded. Two real processes racing is
/// <see cref="VectorStoreContractTests.TwoInstancesEnsuringOneCollectionAtOnceBothEndWithAUsableCollection"/>.
/// </summary>
public sealed class MilvusEnsureCollectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Missing = """{"code":0,"data":{"has":false}}""";
    private const string Present = """{"code":0,"data":{"has":true}}""";
    private const string Done = """{"code":0,"data":{}}""";
    private const string Loaded = """{"code":0,"data":{"loadState":"LoadStateLoaded","loadProgress":100}}""";

    /// <summary>A Milvus without the collection, whose create succeeds: the collection then exists as <paramref name="spec"/> made it.</summary>
    private static RecordedMilvus Creating(CollectionSpec spec) => new RecordedMilvus()
        .Answer("collections/has", Missing).Answer("collections/has", Present)
        .Answer("collections/create", Done)
        .Answer("collections/describe", RecordedMilvus.Describe(spec));

    /// <summary>Another process created the collection between our has and our create, as <paramref name="describe"/> shows it.</summary>
    private static RecordedMilvus LosingTheCreateRace(string describe) => new RecordedMilvus()
        .Answer("collections/has", Missing).Answer("collections/has", Present)
        .Answer("collections/create", """{"code":65535,"message":"create duplicate collection with different parameters, collection: images"}""")
        .Answer("collections/describe", describe);

    [Fact]
    public async Task CreateSendsTheSchemaIndexAndOurMetadataThenWaitsForLoad()
    {
        var spec = new CollectionSpec("images", 512, "resnet18-v1+rp128s42");
        var milvus = Creating(spec)
            .Answer("collections/get_load_state", """{"code":0,"data":{"loadState":"LoadStateLoading","loadProgress":40}}""")
            .Answer("collections/get_load_state", Loaded);
        var (store, _) = milvus.Create();

        await store.EnsureCollectionAsync(spec, Ct);

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
        Assert.Equal(2, milvus.Count("collections/get_load_state"));
        Assert.Equal(0, milvus.Count("indexes/create")); // create made it
    }

    [Fact]
    public async Task HnswIndexAndCosineAreAskedForByName()
    {
        var spec = new CollectionSpec("c", 8, "m", DistanceMetric.Cosine, new IndexSpec(IndexKind.Hnsw, M: 24, EfConstruction: 300));
        var milvus = Creating(spec).Answer("collections/get_load_state", Loaded);
        var (store, _) = milvus.Create();

        await store.EnsureCollectionAsync(spec, Ct);

        var index = milvus.Body("collections/create")["indexParams"]![0]!;
        Assert.Equal(("COSINE", "HNSW", 24, 300), ((string)index["metricType"]!, (string)index["params"]!["index_type"]!, (int)index["params"]!["M"]!, (int)index["params"]!["efConstruction"]!));
    }

    [Fact]
    public async Task ACollectionThatExistsWithoutAnIndexGetsItsIndexAndIsLoaded()
    {
        // Another process's create stopped after the collection and before the index (a timeout, a crash): load alone
        // would fail with "index not found" for ever.
        var spec = new CollectionSpec("images", 4, "resnet18-v1", DistanceMetric.Cosine, new IndexSpec(IndexKind.Hnsw, M: 24));
        var milvus = new RecordedMilvus()
            .Answer("collections/has", Present)
            .Answer("collections/describe", RecordedMilvus.Describe(spec, indexed: false))
            .Answer("indexes/create", Done)
            .Answer("collections/get_load_state", """{"code":0,"data":{"loadState":"LoadStateNotLoad"}}""")
            .Answer("collections/get_load_state", Loaded)
            .Answer("collections/load", Done);
        var (store, _) = milvus.Create();

        await store.EnsureCollectionAsync(spec, Ct);

        var body = milvus.Body("indexes/create");
        Assert.Equal("images", (string?)body["collectionName"]);
        var index = body["indexParams"]![0]!;
        Assert.Equal(("embedding", "COSINE", "HNSW", 24), ((string)index["fieldName"]!, (string)index["metricType"]!, (string)index["params"]!["index_type"]!, (int)index["params"]!["M"]!));
        Assert.Equal(1, milvus.Count("collections/load"));
        Assert.Equal(0, milvus.Count("collections/create"));
    }

    [Fact]
    public async Task AnIndexCreatedMeanwhileByAnotherProcessIsAcceptedAndTheCollectionLoaded()
    {
        var spec = new CollectionSpec("images", 4, "resnet18-v1");
        var milvus = new RecordedMilvus()
            .Answer("collections/has", Present)
            .Answer("collections/describe", RecordedMilvus.Describe(spec, indexed: false))
            .Answer("collections/describe", RecordedMilvus.Describe(spec))
            .Answer("indexes/create", """{"code":1100,"message":"invalid parameter[at most one distinct index is allowed per field]"}""")
            .Answer("collections/get_load_state", Loaded);
        var (store, _) = milvus.Create();

        await store.EnsureCollectionAsync(spec, Ct);

        Assert.Equal(2, milvus.Count("collections/describe"));
    }

    [Fact]
    public async Task ACreateRefusedBecauseAnotherProcessCreatedItFirstGoesOnWithThatCollection()
    {
        var spec = new CollectionSpec("images", 4, "resnet18-v1");
        var milvus = LosingTheCreateRace(RecordedMilvus.Describe(spec, indexed: false))
            .Answer("indexes/create", Done)
            .Answer("collections/get_load_state", Loaded);
        var (store, _) = milvus.Create();

        await store.EnsureCollectionAsync(spec, Ct);

        Assert.Equal(1, milvus.Count("indexes/create"));
    }

    [Fact]
    public async Task ACreateRefusedForAnotherModelsCollectionIsAMismatch()
    {
        var milvus = LosingTheCreateRace(RecordedMilvus.Describe(new CollectionSpec("images", 4, "clip-vit-b32")));
        var (store, _) = milvus.Create();

        var error = await Assert.ThrowsAsync<CollectionMismatchException>(() => store.EnsureCollectionAsync(new CollectionSpec("images", 4, "resnet18-v1"), Ct));

        Assert.Contains("clip-vit-b32", error.Message);
        Assert.Equal(0, milvus.Count("indexes/create")); // another model's collection is not touched
    }

    [Fact]
    public async Task ARefusedCreateOfAMissingCollectionIsReported()
    {
        var milvus = new RecordedMilvus()
            .Answer("collections/has", Missing)
            .Answer("collections/create", """{"code":1100,"message":"invalid parameter[expected=valid max_length]"}""");
        var (store, _) = milvus.Create();

        var error = await Assert.ThrowsAsync<Milvus.MilvusException>(() => store.EnsureCollectionAsync(new CollectionSpec("images", 4, "m"), Ct));

        Assert.Equal(1100, error.Code);
    }

    [Fact]
    public async Task AnExistingCollectionForAnotherModelIsAMismatch()
    {
        var (store, _) = RecordedMilvus.WithOurCollection().Create();
        var error = await Assert.ThrowsAsync<CollectionMismatchException>(() => store.EnsureCollectionAsync(new CollectionSpec("images", 4, "clip-vit-b32"), Ct));
        Assert.Contains("clip-vit-b32", error.Message);
        Assert.Contains("resnet18-v1", error.Message);
    }

    [Fact]
    public async Task ACollectionNotCreatedByUsIsRefused()
    {
        var (store, _) = new RecordedMilvus()
            .Answer("collections/has", Present)
            .Answer("collections/describe", """{"code":0,"data":{"collectionName":"images","description":"","fields":[{"name":"id","type":"Int64","primaryKey":true},{"name":"vector","type":"FloatVector","params":[{"key":"dim","value":"4"}]}]}}""")
            .Create();
        var error = await Assert.ThrowsAsync<CollectionMismatchException>(() => store.EnsureCollectionAsync(new CollectionSpec("images", 4, "m"), Ct));
        Assert.Contains("not created by this application", error.Message);
    }
}
