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
}
