using ImageSearch.Embedding;
using System.ComponentModel.DataAnnotations;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>Embedder worker settings, section <c>Embedder</c> (the model itself is configured in <c>Embedding</c>).</summary>
public sealed class EmbedderOptions : IValidatableObject
{
    public const string Section = "Embedder";

    /// <summary>Images per consumed batch: one <see cref="ImageEmbedder.EmbedFilesAsync"/> call, which runs the model in chunks of <c>Embedding:MaxBatchSize</c>.</summary>
    [Range(1, 65_535)]
    public int MessageLimit { get; set; } = 32;

    /// <summary>Longest wait before a partial batch is embedded (a trickle of single uploads still gets through quickly).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Batches embedded at once by one process. 1 suits a CPU (the model already uses every core); a GPU may take 2.</summary>
    [Range(1, 64)]
    public int ConcurrencyLimit { get; set; } = 1;

    /// <summary>
    /// Unacknowledged messages held by one process; 0 means 2 × <see cref="MessageLimit"/> × <see cref="ConcurrencyLimit"/>,
    /// so the next batch is already here when one finishes. Messages are small (a path), so this costs little memory.
    /// </summary>
    [Range(0, 65_535)]
    public int PrefetchCount { get; set; }

    /// <summary>Retries of a whole batch whose inference or publish failed (GPU out of memory, broker hiccup) before it goes to <c>embed-image_error</c>.</summary>
    [Range(0, 100)]
    public int RetryLimit { get; set; } = 3;

    /// <summary>First wait before such a retry; the wait doubles up to <see cref="RetryMaxInterval"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Folder on a local disk for crash tracking: the marker of the image this process is decoding one at a time after a
    /// redelivery, and the images that killed an embedder. Embedders of one deployment on one host may share it; embedders
    /// of different brokers must not (a marker is dead-lettered through whichever broker finds it).
    /// </summary>
    [Required]
    public string CrashTrackingPath { get; set; } = "data/embedder-crashes";

    /// <summary>
    /// Backpressure: while the index queues hold at least this many ready vectors (<c>index-image</c>, and the groups of
    /// <c>index-image-group</c> counted at their size, see <see cref="IndexBacklogGate"/>), the embedder pauses its own queues
    /// (so vectors do not pile up in the broker faster than the indexers store them); it resumes once the backlog is down
    /// to half. 0 turns it off. Only over RabbitMQ.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxIndexBacklog { get; set; } = 50_000;

    /// <summary>How often the depths of the index queues are read for <see cref="MaxIndexBacklog"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.01", "00:10:00")]
    public TimeSpan BacklogCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Port of <c>/metrics</c> and <c>/health/ready|live</c>; 0 serves none.</summary>
    [Range(0, 65_535)]
    public int MetricsPort { get; set; }

    /// <summary>The prefetch actually used.</summary>
    public int EffectivePrefetchCount => PrefetchCount > 0 ? PrefetchCount : 2 * MessageLimit * ConcurrencyLimit;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PrefetchCount > 0 && PrefetchCount < MessageLimit * ConcurrencyLimit)
            yield return new ValidationResult(
                $"PrefetchCount {PrefetchCount} is below MessageLimit × ConcurrencyLimit = {MessageLimit * ConcurrencyLimit}: batches could never fill", [nameof(PrefetchCount)]);
        if (RetryMaxInterval < RetryMinInterval)
            yield return new ValidationResult("RetryMaxInterval must not be below RetryMinInterval", [nameof(RetryMaxInterval)]);
    }
}
