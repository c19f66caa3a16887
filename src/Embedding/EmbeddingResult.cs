using ImageSearch.Contracts;

namespace ImageSearch.Embedding;

/// <summary>The outcome for one image: a unit-length vector, or the reason it could not be embedded.</summary>
public sealed record EmbeddingResult(float[]? Vector, DeadLetterReason? Reason, string? Error)
{
    public bool Succeeded => Vector is not null;

    public static EmbeddingResult Success(float[] vector) => new(vector, null, null);

    public static EmbeddingResult Failure(DeadLetterReason reason, string error) => new(null, reason, error);

    /// <summary>A failure nobody foresaw, named by its exception so that the dead letter says what to fix.</summary>
    public static EmbeddingResult Unexpected(Exception exception) =>
        Failure(DeadLetterReason.Unexpected, $"{exception.GetType().Name}: {exception.Message}");
}
