using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ImageSearch.VectorStore.Milvus;

/// <summary>
/// POSTs JSON to Milvus's REST API v2 and unwraps its envelope <c>{code, message, data}</c>. Milvus reports most errors
/// as HTTP 200 with a non-zero code, so the code decides: 0 (or 200 on old builds) is success, codes Milvus marks
/// retriable are retried like timeouts, 5xx and 429, and anything else becomes a <see cref="MilvusException"/>.
/// When retries run out the caller gets <see cref="StoreUnavailableException"/>.
/// </summary>
public sealed class MilvusRestClient
{
    // Retriable codes from pkg/util/merr/errors.go: service not ready/unavailable, request/rate limits, resources
    // insufficient, collection not fully loaded / recovering, unexpected EOF, REST rate limiter, timeout.
    private static readonly HashSet<int> RetriableCodes = [1, 2, 4, 8, 12, 103, 106, 1002, 1807, 10001];

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // model ids like "resnet18+rp128" stay readable in descriptions
        Converters = { new FlexibleInt64Converter(), new JsonStringEnumConverter() },
    };

    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly int _retries;

    public MilvusRestClient(HttpClient http, MilvusStoreOptions options, ILogger<MilvusRestClient> logger)
    {
        _http = http;
        _logger = logger;
        _http.BaseAddress ??= options.Uri;
        _http.Timeout = Timeout.InfiniteTimeSpan; // the pipeline times each attempt
        var headers = _http.DefaultRequestHeaders;
        if (!string.IsNullOrEmpty(options.Token))
            headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        headers.Add("Accept-Type-Allow-Int64", "true");
        headers.Add("Request-Timeout", ((int)Math.Ceiling(options.RequestTimeout.TotalSeconds)).ToString());
        var builder = new ResiliencePipelineBuilder();
        if (options.Retries > 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldHandle = new PredicateBuilder()
                    .Handle<MilvusTransientException>().Handle<HttpRequestException>().Handle<TimeoutRejectedException>(),
                OnRetry = args =>
                {
                    _logger.LogWarning("Milvus request failed ({Error}); retry {Attempt} in {DelayMs} ms",
                        args.Outcome.Exception?.Message, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        _pipeline = builder.AddTimeout(options.RequestTimeout).Build();
        _retries = options.Retries;
    }

    /// <summary>Posts <paramref name="body"/> to <c>/v2/vectordb/{endpoint}</c> and returns <c>data</c> as <typeparamref name="T"/>.</summary>
    public async Task<T> PostAsync<T>(string endpoint, object body, CancellationToken cancellationToken)
    {
        var data = await PostAsync(endpoint, body, cancellationToken);
        return data.Deserialize<T>(Json) ?? throw new MilvusException(endpoint, -1, "response has no data");
    }

    public async Task<JsonElement> PostAsync(string endpoint, object body, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async ct => await SendOnceAsync(endpoint, body, ct), cancellationToken);
        }
        catch (Exception e) when (e is MilvusTransientException or HttpRequestException or TimeoutRejectedException)
        {
            throw new StoreUnavailableException(
                $"Milvus at {_http.BaseAddress} did not answer {endpoint} after {_retries + 1} attempts: {e.Message}", e);
        }
    }

    private async Task<JsonElement> SendOnceAsync(string endpoint, object body, CancellationToken cancellationToken)
    {
        using var content = JsonContent.Create(body, body.GetType(), options: Json);
        using var response = await _http.PostAsync($"v2/vectordb/{endpoint}", content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            throw new MilvusTransientException($"HTTP {status} from {endpoint}: {Truncate(text)}");
        if (!response.IsSuccessStatusCode)
            throw new MilvusException(endpoint, status, ReadMessage(text) ?? $"HTTP {status} {Truncate(text)}");
        return Unwrap(endpoint, text);
    }

    /// <summary>Checks the envelope's code and returns its <c>data</c> (an empty object when absent).</summary>
    internal static JsonElement Unwrap(string endpoint, string text)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            throw new MilvusException(endpoint, -1, $"response is not JSON: {Truncate(text)}");
        }
        var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
        if (code is not (0 or 200))
        {
            var message = root.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
            if (RetriableCodes.Contains(code))
                throw new MilvusTransientException($"code {code} from {endpoint}: {message}");
            if (code == 100)
                throw new CollectionNotFoundException(CollectionFrom(message));
            throw new MilvusException(endpoint, code, message);
        }
        return root.TryGetProperty("data", out var data) ? data : JsonDocument.Parse("{}").RootElement;
    }

    private static string? ReadMessage(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Milvus words it "collection not found[collection=name]".</summary>
    private static string CollectionFrom(string message)
    {
        const string marker = "collection=";
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? message : message[(at + marker.Length)..].TrimEnd(']');
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
