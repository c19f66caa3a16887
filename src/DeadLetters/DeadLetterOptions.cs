using System.ComponentModel.DataAnnotations;

namespace ImageSearch.DeadLetters;

/// <summary>Dead-letter journal settings, section <c>DeadLetters</c>.</summary>
public sealed class DeadLetterOptions
{
    public const string Section = "DeadLetters";

    /// <summary>SQLite file of the journal. The recorder, the CLI and the HTTP API must see the same file (one host or volume; not a network share).</summary>
    [Required]
    public string Path { get; set; } = "data/dead-letters.db";

    /// <summary>Whether this process runs the recorder (consumes queue <c>image-dead-letters</c> into the journal).</summary>
    public bool Record { get; set; } = true;

    /// <summary>Dead letters written per SQLite transaction.</summary>
    [Range(1, 10_000)]
    public int RecordBatchSize { get; set; } = 200;

    /// <summary>Tries an image gets, replays included: a replay leaves an image that has had this many alone (unless forced).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How long replayed dead letters are kept as history; older ones are deleted whenever the journal is written.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan ReplayedRetention { get; set; } = TimeSpan.FromDays(30);
}
