using ImageSearch.Contracts;
using System.ComponentModel.DataAnnotations;
using ImageSearch.VectorStore;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>Indexer settings, section <c>Indexer</c>.</summary>
public sealed class IndexerOptions : IValidatableObject
{
    public const string Section = "Indexer";

    /// <summary>Vectors per store upsert (a batch closes at this size or at <see cref="TimeLimit"/>).</summary>
    [Range(1, 65_535)]
    public int MessageLimit { get; set; } = 1000;

    /// <summary>
    /// Groups of vectors (<c>index-image-group</c>, from embedders fed with <c>publish --group</c>) per store upsert: with
    /// groups of 256, four make about <see cref="MessageLimit"/>'s thousand.
    /// </summary>
    [Range(1, 1_000)]
    public int GroupsPerBatch { get; set; } = 4;

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

    /// <summary>
    /// First wait before retrying while the store is unavailable (a batch retried in place, or a probe while the queue is
    /// paused); the wait doubles up to <see cref="RetryMaxInterval"/>. There is no retry limit: an outage never dead-letters.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an outage is ridden out by retrying the held batch in place (a blip: a busy database, a restarting
    /// server). Past it, the batch goes back to the broker and the queue is paused until a probe of the store answers, so
    /// no delivery is held anywhere near RabbitMQ's consumer timeout. 0 pauses at the first failure.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan PauseAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An outage longer than this raises the alarm: an error in the log, the alarm metric, and readiness Unhealthy.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan OutageAlarmAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>While an outage lasts, a summary line (duration, retries, last error) at most this often.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan OutageLogEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Port of <c>/metrics</c> and <c>/health/ready|live</c>; 0 serves none.</summary>
    [Range(0, 65_535)]
    public int MetricsPort { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryMaxInterval < RetryMinInterval)
            yield return new ValidationResult("RetryMaxInterval must not be below RetryMinInterval", [nameof(RetryMaxInterval)]);
        if (CollectionNames.Problem(DefaultCollection) is { } problem)
            yield return new ValidationResult($"DefaultCollection: {problem}", [nameof(DefaultCollection)]);
    }
}
