using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ImageSearch.VectorStore.Milvus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// An HTTP handler that answers with recorded Milvus REST v2 bodies (written from the API reference and handler_v2.go)
/// and keeps what was sent. For request/response mapping tests only: this is not a Milvus and proves nothing about one.
/// </summary>
internal sealed class RecordedMilvus : HttpMessageHandler
{
    private const HttpStatusCode Unreachable = 0;
    private readonly Dictionary<string, Queue<(HttpStatusCode Status, string Body)>> _answers = [];

    public List<(string Endpoint, JsonNode Body, HttpRequestMessage Request)> Sent { get; } = [];

    /// <summary>What the client logged, as (level, message).</summary>
    public List<(LogLevel Level, string Message)> Logged { get; } = [];

    /// <summary>A vector for our collection "images".</summary>
    public static readonly float[] Vector = [0.1f, 0.2f, 0.3f, 0.4f];

    /// <summary>A Milvus that has our collection "images" (4-d, L2, IVF_FLAT), created by this application.</summary>
    public static RecordedMilvus WithOurCollection() => new RecordedMilvus()
        .Answer("collections/has", """{"code":0,"data":{"has":true}}""")
        .Answer("collections/describe", DescribeOurs);

    public RecordedMilvus Answer(string endpoint, string body, HttpStatusCode status = HttpStatusCode.OK)
    {
        if (!_answers.TryGetValue(endpoint, out var queue))
            _answers[endpoint] = queue = new();
        queue.Enqueue((status, body));
        return this;
    }

    /// <summary>The connection fails, as when nothing listens on the port.</summary>
    public RecordedMilvus Refuse(string endpoint) => Answer(endpoint, "", Unreachable);

    public JsonNode Body(string endpoint) => Sent.Last(s => s.Endpoint == endpoint).Body;

    public int Count(string endpoint) => Sent.Count(s => s.Endpoint == endpoint);

    public (MilvusVectorStore Store, MilvusRestClient Client) Create(int retries = 2, string? token = "root:Milvus", string consistency = "Strong")
    {
        var options = new MilvusStoreOptions
        {
            Uri = new Uri("http://milvus.test:19530"), Token = token, Retries = retries, BatchSize = 2, Consistency = consistency,
        };
        var client = new MilvusRestClient(new HttpClient(this), options, new LogRecorder(Logged));
        return (new MilvusVectorStore(client, options, NullLogger<MilvusVectorStore>.Instance), client);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = request.RequestUri!.AbsolutePath.Replace("/v2/vectordb/", "");
        Sent.Add((endpoint, JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!, request));
        if (!_answers.TryGetValue(endpoint, out var queue) || queue.Count == 0)
            throw new InvalidOperationException($"no recorded answer for {endpoint}");
        var (status, body) = queue.Count > 1 ? queue.Dequeue() : queue.Peek(); // the last answer repeats
        return status == Unreachable
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (milvus.test:19530)")
            : new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }

    private sealed class LogRecorder(List<(LogLevel, string)> logged) : ILogger<MilvusRestClient>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (logged)
                logged.Add((logLevel, formatter(state, exception)));
        }
    }

    /// <summary>describe of a collection this application created (dimension 4, L2, IVF_FLAT).</summary>
    public static readonly string DescribeOurs = Describe(new CollectionSpec("images", 4, "resnet18-v1"));

    /// <summary>
    /// describe of a collection this application created with <paramref name="spec"/> (our description: model, metric,
    /// index). Without <paramref name="indexed"/> it is one whose creation stopped before the index: Milvus then lists no
    /// index, says why in <c>message</c>, and the collection is not loaded.
    /// </summary>
    public static string Describe(CollectionSpec spec, bool indexed = true)
    {
        var index = spec.Index ?? new IndexSpec();
        var metric = spec.Metric == DistanceMetric.Cosine ? "COSINE" : "L2";
        var description = JsonSerializer.Serialize(
            $$$"""{"app":"imagesearch","model":"{{{spec.Model}}}","metric":"{{{spec.Metric}}}","index":{"kind":"{{{index.Kind}}}","nList":{{{index.NList}}},"nProbe":{{{index.NProbe}}},"m":{{{index.M}}},"efConstruction":{{{index.EfConstruction}}},"ef":{{{index.Ef}}}}}""");
        var message = indexed ? "" : $$"""
            "message":"index not found[collection={{spec.Name}}];",
            """;
        var indexes = indexed ? $$"""[{"fieldName":"embedding","indexName":"embedding","metricType":"{{metric}}"}]""" : "[]";
        var load = indexed ? "LoadStateLoaded" : "LoadStateNotLoad";
        return $$$"""
            {"code":0,{{{message}}}
             "data":{"collectionName":"{{{spec.Name}}}","collectionID":4541,"autoId":false,"consistencyLevel":"Strong",
             "description":{{{description}}},
             "enableDynamicField":false,
             "fields":[{"name":"id","type":"Int64","primaryKey":true,"autoId":false},
                       {"name":"embedding","type":"FloatVector","primaryKey":false,"params":[{"key":"dim","value":"{{{spec.Dimension}}}"}]},
                       {"name":"path","type":"VarChar","params":[{"key":"max_length","value":"4096"}]},
                       {"name":"label","type":"VarChar","params":[{"key":"max_length","value":"512"}]}],
             "indexes":{{{indexes}}},
             "load":"{{{load}}}","shardsNum":1}}
            """;
    }
}
