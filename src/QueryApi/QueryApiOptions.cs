using System.ComponentModel.DataAnnotations;

namespace ImageSearch.QueryApi;

/// <summary>Settings of the HTTP API, section <c>QueryApi</c>; validated at start (see docs/query-api.md).</summary>
public sealed class QueryApiOptions
{
    public const string Section = "QueryApi";

    /// <summary>Collection searched and written. The indexer's <c>Indexer:DefaultCollection</c> should name the same one.</summary>
    [Required]
    public string Collection { get; set; } = "images";

    /// <summary>
    /// When set, <c>/insert</c>, <c>/dead-letters/replay</c> and <c>POST /errors/*</c> require this value in header <c>X-Api-Key</c>, and error
    /// details name file contents and resolved paths only for requests that carry it. Required to listen on an address
    /// other machines can reach, unless <see cref="AllowAnonymousNetwork"/>.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Start without <see cref="ApiKey"/> on an address other machines can reach (anyone there may insert and replay).</summary>
    public bool AllowAnonymousNetwork { get; set; }

    /// <summary>Results returned when the request does not say; requests may ask for up to <see cref="MaxK"/>.</summary>
    [Range(1, 1000)]
    public int DefaultK { get; set; } = 10;

    [Range(1, 1000)]
    public int MaxK { get; set; } = 100;

    /// <summary>Largest accepted upload per file (also bounded by <c>Embedding:MaxBytes</c>).</summary>
    [Range(1, int.MaxValue)]
    public int MaxUploadBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Files accepted in one multipart insert.</summary>
    [Range(1, 10_000)]
    public int MaxUploadFiles { get; set; } = 64;

    /// <summary>Inserts of at most this many images are embedded and stored before the answer; larger ones are queued.</summary>
    [Range(0, 1024)]
    public int SyncInsertLimit { get; set; } = 32;

    /// <summary>Paths accepted in one insert request (larger sets: the ingestor CLI).</summary>
    [Range(1, 1_000_000)]
    public int MaxInsertPaths { get; set; } = 10_000;

    /// <summary>
    /// Where uploaded images for insert are kept, so that embedders can read them. Must be inside <c>Embedding:AllowedRoots</c>
    /// when those are set, and on storage every embedder sees.
    /// </summary>
    [Required]
    public string UploadsPath { get; set; } = "data/uploads";

    /// <summary>SQLite file that follows queued inserts.</summary>
    [Required]
    public string TrackingPath { get; set; } = "data/insert-tracking.db";

    /// <summary>Longer side of thumbnails, in pixels.</summary>
    [Range(16, 2048)]
    public int ThumbnailSize { get; set; } = 256;

    /// <summary>How long browsers and proxies may cache a thumbnail.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan ThumbnailMaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long metrics read from the journal and the broker (dead letters, queue depth) are reused.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PipelineStatsMaxAge { get; set; } = TimeSpan.FromSeconds(10);
}
