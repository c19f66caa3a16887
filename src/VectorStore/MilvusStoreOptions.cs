using System.ComponentModel.DataAnnotations;

namespace ImageSearch.VectorStore;

/// <summary>Section <c>VectorStore:Milvus</c>.</summary>
public sealed class MilvusStoreOptions
{
    /// <summary>Base address of the proxy, which serves REST v2 on the gRPC port (e.g. http://localhost:19530).</summary>
    [Required]
    public Uri? Uri { get; set; }

    /// <summary>"user:password" or an API key, sent as a bearer token; empty when auth is off (standalone default).</summary>
    public string? Token { get; set; }

    [Required]
    public string Database { get; set; } = "default";

    /// <summary>Per attempt; sent to Milvus as <c>Request-Timeout</c> too.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Retries after the first attempt on timeouts (HTTP 408 too), 5xx, rate limiting and retriable Milvus codes, with
    /// exponential backoff; then the caller gets <see cref="StoreUnavailableException"/> (an outage: the indexer waits).
    /// </summary>
    [Range(0, 20)]
    public int Retries { get; set; } = 5;

    /// <summary>How long to wait for a collection to reach LoadStateLoaded.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Rows per upsert request (a 512-d row is about 6 KB of JSON).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>IVF clusters probed per search (IVF_FLAT); overrides the collection's IndexSpec.NProbe when set.</summary>
    [Range(1, 65_536)]
    public int? NProbe { get; set; }

    /// <summary>HNSW search breadth; overrides the collection's IndexSpec.Ef when set.</summary>
    [Range(1, 32_768)]
    public int? Ef { get; set; }

    /// <summary>
    /// Consistency of search and get. Strong shows every upsert that returned; Bounded is faster (count is always Strong).
    /// Session is sent as Strong: over REST v2 the client cannot pass the session timestamp that makes Session read its writes.
    /// </summary>
    [RegularExpression("^(Strong|Session|Bounded|Eventually)$")]
    public string Consistency { get; set; } = "Strong";
}
