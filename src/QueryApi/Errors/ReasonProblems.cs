using ImageSearch.Contracts;

namespace ImageSearch.QueryApi.Errors;

/// <summary>
/// How an image's failure reads over HTTP: one status and title per dead-letter reason, the same for uploads, paths,
/// search and insert. The problem details carry the reason code, so clients can act on it without parsing text.
/// </summary>
public static class ReasonProblems
{
    public static int StatusOf(DeadLetterReason reason) => reason switch
    {
        DeadLetterReason.FileMissing => StatusCodes.Status404NotFound,
        DeadLetterReason.OutsideAllowedRoots => StatusCodes.Status403Forbidden,
        DeadLetterReason.TooManyBytes => StatusCodes.Status413PayloadTooLarge,
        DeadLetterReason.NotAnImage => StatusCodes.Status415UnsupportedMediaType,
        DeadLetterReason.InvalidMessage => StatusCodes.Status400BadRequest,
        DeadLetterReason.CollectionMismatch => StatusCodes.Status409Conflict,
        DeadLetterReason.Unexpected => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status422UnprocessableEntity, // empty, corrupt, too many pixels, too small, unreadable, not a file
    };

    public static string TitleOf(DeadLetterReason reason) => reason switch
    {
        DeadLetterReason.FileMissing => "The image file does not exist",
        DeadLetterReason.FileEmpty => "The image is empty",
        DeadLetterReason.NotAnImage => "Not a supported image",
        DeadLetterReason.Corrupt => "The image is truncated or corrupt",
        DeadLetterReason.TooManyPixels => "The image has too many pixels",
        DeadLetterReason.TooManyBytes => "The image is too large",
        DeadLetterReason.TooSmall => "The image is too small",
        DeadLetterReason.Unreadable => "The image file cannot be read",
        DeadLetterReason.OutsideAllowedRoots => "The path is outside the allowed folders",
        DeadLetterReason.InvalidMessage => "The image reference is invalid",
        DeadLetterReason.CollectionMismatch => "The collection holds vectors of another model",
        DeadLetterReason.NotAFile => "The path is not a regular file",
        DeadLetterReason.DecoderCrashed => "The image crashed the decoder",
        DeadLetterReason.Unexpected => "The image could not be processed",
        _ => reason.ToString(),
    };

    public static ProblemHttpResult For(DeadLetterReason reason, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusOf(reason), title: TitleOf(reason),
            extensions: new Dictionary<string, object?> { ["reason"] = reason.ToString() });
}
