using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;

namespace ImageSearch.Embedding;

/// <summary>The outcome for one image: a unit-length vector, or the reason it could not be embedded.</summary>
public sealed record EmbeddingResult(float[]? Vector, DeadLetterReason? Reason, string? Error)
{
    public bool Succeeded => Vector is not null;

    /// <summary>The file's read timed out (see <see cref="ImageRejectedException.IsSourceTimeout"/>): its source may be down.</summary>
    public bool SourceTimedOut { get; init; }

    public static EmbeddingResult Success(float[] vector) => new(vector, null, null);

    public static EmbeddingResult Failure(DeadLetterReason reason, string error) => new(null, reason, error);

    /// <summary>A failure nobody foresaw, named by its exception so that the dead letter says what to fix.</summary>
    public static EmbeddingResult Unexpected(Exception exception) =>
        Failure(DeadLetterReason.Unexpected, $"{exception.GetType().Name}: {exception.Message}");

    public static EmbeddingResult Failure(ImageRejectedException rejection) =>
        new(null, rejection.Reason, rejection.Message) { SourceTimedOut = rejection.IsSourceTimeout };

    /// <summary>
    /// Whether more than half of <paramref name="results"/> timed out reading their files: then the storage they come from
    /// is slow or down, not the images bad, and the batch should be retried after a back-off instead of dead-lettered.
    /// </summary>
    public static bool SourceLooksDown(IReadOnlyCollection<EmbeddingResult> results) =>
        results.Count > 0 && 2 * results.Count(r => r.SourceTimedOut) > results.Count;
}
