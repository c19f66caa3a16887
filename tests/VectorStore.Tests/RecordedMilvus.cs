using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImageSearch.VectorStore.Milvus;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// An HTTP handler that answers with recorded Milvus REST v2 bodies (written from the API reference and handler_v2.go)
/// and keeps what was sent. For request/response mapping tests only: this is not a Milvus and proves nothing about one.
/// </summary>
internal sealed class RecordedMilvus : HttpMessageHandler
{
    private readonly Dictionary<string, Queue<(HttpStatusCode Status, string Body)>> _answers = [];

    public List<(string Endpoint, JsonNode Body, HttpRequestMessage Request)> Sent { get; } = [];

    public RecordedMilvus Answer(string endpoint, string body, HttpStatusCode status = HttpStatusCode.OK)
    {
        if (!_answers.TryGetValue(endpoint, out var queue))
            _answers[endpoint] = queue = new();
        queue.Enqueue((status, body));
        return this;
    }

    public JsonNode Body(string endpoint) => Sent.Last(s => s.Endpoint == endpoint).Body;

    public (MilvusVectorStore Store, MilvusRestClient Client) Create(int retries = 2, string? token = "root:Milvus")
    {
        var options = new MilvusStoreOptions { Uri = new Uri("http://milvus.test:19530"), Token = token, Retries = retries, BatchSize = 2 };
        var client = new MilvusRestClient(new HttpClient(this), options, NullLogger<MilvusRestClient>.Instance);
        return (new MilvusVectorStore(client, options, NullLogger<MilvusVectorStore>.Instance), client);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = request.RequestUri!.AbsolutePath.Replace("/v2/vectordb/", "");
        Sent.Add((endpoint, JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!, request));
        if (!_answers.TryGetValue(endpoint, out var queue) || queue.Count == 0)
            throw new InvalidOperationException($"no recorded answer for {endpoint}");
        var (status, body) = queue.Count > 1 ? queue.Dequeue() : queue.Peek(); // the last answer repeats
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }

    /// <summary>describe of a collection this application created (dimension 4, L2, IVF_FLAT).</summary>
    public const string DescribeOurs = """
        {"code":0,"data":{"collectionName":"images","collectionID":4541,"autoId":false,"consistencyLevel":"Strong",
         "description":"{\"app\":\"imagesearch\",\"model\":\"resnet18-v1\",\"metric\":\"L2\",\"index\":{\"kind\":\"IvfFlat\",\"nList\":2048,\"nProbe\":16,\"m\":16,\"efConstruction\":200,\"ef\":64}}",
         "enableDynamicField":false,
         "fields":[{"name":"id","type":"Int64","primaryKey":true,"autoId":false},
                   {"name":"embedding","type":"FloatVector","primaryKey":false,"params":[{"key":"dim","value":"4"}]},
                   {"name":"path","type":"VarChar","params":[{"key":"max_length","value":"4096"}]},
                   {"name":"label","type":"VarChar","params":[{"key":"max_length","value":"512"}]}],
         "indexes":[{"fieldName":"embedding","indexName":"embedding","metricType":"L2"}],
         "load":"LoadStateLoaded","shardsNum":1}}
        """;
}
