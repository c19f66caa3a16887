using System.ComponentModel.DataAnnotations;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>Indexer settings, section <c>Indexer</c>.</summary>
public sealed class IndexerOptions
{
    public const string Section = "Indexer";

    /// <summary>Vectors per store upsert (a batch closes at this size or at <see cref="TimeLimit"/>).</summary>
    [Range(1, 65_535)]
    public int MessageLimit { get; set; } = 1000;

    /// <summary>Longest wait before a partial batch is upserted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Batches upserted at once by one process.</summary>
    [Range(1, 64)]
    public int ConcurrencyLimit { get; set; } = 1;

    /// <summary>Unacknowledged messages held by one process; 0 means <see cref="MessageLimit"/> × <see cref="ConcurrencyLimit"/> (the least that lets batches fill).</summary>
    [Range(0, 65_535)]
    public int PrefetchCount { get; set; }

    /// <summary>Collection for vectors whose message names none.</summary>
    [Required]
    public string DefaultCollection { get; set; } = "images";

    /// <summary>First wait before retrying a batch while the store is unavailable; the wait doubles up to <see cref="RetryMaxInterval"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Port of <c>/metrics</c> and <c>/health/ready|live</c>; 0 serves none.</summary>
    [Range(0, 65_535)]
    public int MetricsPort { get; set; }
}
