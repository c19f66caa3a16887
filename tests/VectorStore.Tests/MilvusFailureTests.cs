using System.Net;
using ImageSearch.VectorStore.Milvus;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// Which Milvus failures are retried and become an outage (<see cref="StoreUnavailableException"/>: the indexer waits)
/// and which are permanent (<see cref="MilvusException"/>, <see cref="CollectionNotFoundException"/>), against
/// recorded REST v2 answers, including the proxy's own timeout (HTTP 408, code 10001) and a handler panic (HTTP 500).
/// </summary>
public sealed class MilvusFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
    public async Task TheProxysOwnRequestTimeoutIsRetriedLikeAnyTimeout()
    {
        var milvus = new RecordedMilvus()
            .Answer("entities/query", """{"code":10001,"message":"request timeout"}""", HttpStatusCode.RequestTimeout)
            .Answer("entities/query", """{"code":0,"data":[{"count(*)":5}]}""");
        var (store, _) = milvus.Create(retries: 2);

        Assert.Equal(5, await store.CountAsync("images", Ct));
        Assert.Equal(2, milvus.Count("entities/query"));
    }

    [Fact]
    public async Task A500ThatOnlyThisRequestGetsIsPermanentNotAnEndlessOutage()
    {
        // A handler panic answers HTTP 500 {"code":500}. The server still lists collections, so it is this request.
        var milvus = RecordedMilvus.WithOurCollection()
            .Answer("entities/upsert", """{"code":500}""", HttpStatusCode.InternalServerError)
            .Answer("collections/list", """{"code":0,"data":["images"]}""");
        var (store, _) = milvus.Create(retries: 2);

        var error = await Assert.ThrowsAsync<MilvusException>(() => store.UpsertAsync("images", [new(1, RecordedMilvus.Vector, "/a.jpg", null)], Ct));

        Assert.Equal((500, "entities/upsert"), (error.Code, error.Endpoint));
        Assert.Contains("answers other requests", error.Message);
        Assert.Equal(3, milvus.Count("entities/upsert")); // bounded: the first attempt and 2 retries
        Assert.Equal(1, milvus.Count("collections/list"));
    }

    [Fact]
    public async Task A500WhileTheServerAnswersNothingIsAnOutage()
    {
        var milvus = new RecordedMilvus()
            .Answer("entities/query", "", HttpStatusCode.InternalServerError)
            .Refuse("collections/list");
        var (store, _) = milvus.Create(retries: 1);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CountAsync("images", Ct));

        Assert.Contains("500", error.Message);
    }

    [Fact]
    public async Task AnOutageIsSurfacedWithHowLongItLastsAndALoggedError()
    {
        var milvus = new RecordedMilvus().Refuse("entities/query");
        var (store, _) = milvus.Create(retries: 1);

        var first = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CountAsync("images", Ct));
        var second = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CountAsync("images", Ct));

        Assert.Contains("Milvus at http://milvus.test:19530/ is unavailable", first.Message);
        Assert.Contains("Connection refused", first.Message);
        Assert.IsType<HttpRequestException>(first.InnerException);
        var since = first.Message[(first.Message.IndexOf("failing since", StringComparison.Ordinal) + 14)..].Split(',')[0];
        Assert.Contains($"failing since {since},", second.Message); // the clock runs from the first failure, not per call
        Assert.Equal(2, milvus.Logged.Count(l => l.Level == LogLevel.Error && l.Message.Contains("is unavailable", StringComparison.Ordinal)));
        Assert.Equal(4, milvus.Count("entities/query"));
    }

    [Fact]
    public async Task ACollectionDroppedElsewhereIsForgottenAndDescribedAgainNextTime()
    {
        var milvus = RecordedMilvus.WithOurCollection()
            .Answer("entities/upsert", """{"code":100,"message":"collection not found[database=default][collection=images]"}""")
            .Answer("entities/upsert", """{"code":0,"data":{"upsertCount":1}}""");
        var (store, _) = milvus.Create();
        VectorRecord[] records = [new(1, RecordedMilvus.Vector, "/a.jpg", null)];

        var error = await Assert.ThrowsAsync<CollectionNotFoundException>(() => store.UpsertAsync("images", records, Ct));
        await store.UpsertAsync("images", records, Ct); // recreated meanwhile

        Assert.Equal("images", error.Collection);
        Assert.Equal(2, milvus.Count("collections/describe"));
    }

    [Fact]
    public async Task ARefusedRequestDropsTheCachedSpecSoARecreatedCollectionIsSeen()
    {
        // Dropped and recreated elsewhere with 8-d vectors: Milvus refuses our 4-d rows, and the next call must not trust the old spec.
        var milvus = RecordedMilvus.WithOurCollection()
            .Answer("collections/describe", RecordedMilvus.Describe(new CollectionSpec("images", 8, "resnet18-v1")))
            .Answer("entities/upsert", """{"code":1804,"message":"fail to deal the insert data, error: the dim (4) of field data(embedding) is not equal to schema dim (8)"}""");
        var (store, _) = milvus.Create();
        VectorRecord[] records = [new(1, RecordedMilvus.Vector, "/a.jpg", null)];

        await Assert.ThrowsAsync<MilvusException>(() => store.UpsertAsync("images", records, Ct));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync("images", records, Ct));

        Assert.Contains("8-d", error.Message);
        Assert.Equal(1, milvus.Count("entities/upsert"));
    }
}
