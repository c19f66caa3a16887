using System.Net;
using System.Text.Json;

namespace ImageSearch.VectorStore.Milvus;

/// <summary>
/// Reads one REST v2 response: its envelope <c>{code, message, data, …}</c>, or the exception that says what the
/// caller should do. The one place that decides which failures are transient (retried, then an outage) and which
/// are permanent (this request is wrong and will stay wrong).
/// </summary>
internal static class MilvusResponseReader
{
    // Codes pkg/util/merr marks retriable: service not ready/unavailable, request/rate limits, resources insufficient,
    // collection not fully loaded / recovering, unexpected EOF, the REST rate limiter (1807), and merr.TimeoutCode.
    private static readonly HashSet<int> RetriableCodes = [1, 2, 4, 8, 12, 103, 106, 1002, 1807, 10001];

    private const int CollectionNotFoundCode = 100;

    /// <summary>The envelope's root when Milvus accepted the request.</summary>
    /// <exception cref="MilvusTransientException">Timeouts, rate limits, gateway errors, retriable codes, 5xx.</exception>
    /// <exception cref="MilvusException">Milvus refused the request (a non-retriable code, a 4xx).</exception>
    /// <exception cref="CollectionNotFoundException">Code 100.</exception>
    public static JsonElement Read(string endpoint, HttpStatusCode status, string text)
    {
        var code = (int)status;
        // 408 {"code":10001} is the proxy's own Request-Timeout firing; 429/502/503/504 come from it or a gateway in
        // front of it. All of them say: the same request may well succeed later.
        if (status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
            throw new MilvusTransientException($"HTTP {code} from {endpoint}: {Truncate(text)}");
        // Milvus answers 500 when a handler panicked: maybe a restart, maybe this very request (MilvusRestClient tells which).
        if (code >= 500)
            throw new MilvusTransientException($"HTTP {code} from {endpoint}: {Truncate(text)}", serverErrorStatus: code);
        if (code is < 200 or >= 300)
            throw new MilvusException(endpoint, code, Message(text) ?? $"HTTP {code} {Truncate(text)}");
        return Envelope(endpoint, text);
    }

    /// <summary>The envelope's <c>data</c>, an empty object when absent.</summary>
    public static JsonElement Data(JsonElement envelope) =>
        envelope.TryGetProperty("data", out var data) ? data : JsonDocument.Parse("{}").RootElement;

    /// <summary>Checks the envelope's code: 0 (or 200 on old builds) is success; Milvus reports most errors in an HTTP 200.</summary>
    private static JsonElement Envelope(string endpoint, string text)
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
        if (code is 0 or 200)
            return root;
        var message = root.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
        if (RetriableCodes.Contains(code))
            throw new MilvusTransientException($"code {code} from {endpoint}: {message}");
        if (code == CollectionNotFoundCode)
            throw new CollectionNotFoundException(CollectionFrom(message));
        throw new MilvusException(endpoint, code, message);
    }

    private static string? Message(string text)
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

    /// <summary>Milvus words it "collection not found[collection=name]" (with "[database=…]" before it in places).</summary>
    private static string CollectionFrom(string message)
    {
        const string marker = "collection=";
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? message : message[(at + marker.Length)..].Split(']')[0];
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
