namespace ImageSearch.VectorStore.Milvus;

/// <summary>
/// Milvus refused a request: a non-zero <c>code</c> in an HTTP 200 body (how REST v2 reports most errors), an HTTP
/// 4xx, or a 5xx that this request gets every time while the server answers others. Not transient: retrying the
/// same request gives the same answer.
/// </summary>
public sealed class MilvusException(string endpoint, int code, string milvusMessage)
    : Exception($"Milvus {endpoint} failed with code {code}: {milvusMessage}")
{
    public string Endpoint { get; } = endpoint;

    /// <summary>Milvus's error code (pkg/util/merr), or the HTTP status for a 4xx/5xx without a Milvus body.</summary>
    public int Code { get; } = code;

    public string MilvusMessage { get; } = milvusMessage;
}
