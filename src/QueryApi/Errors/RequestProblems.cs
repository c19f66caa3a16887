namespace ImageSearch.QueryApi.Errors;

/// <summary>
/// Problems with the request itself (a parameter out of range, a missing body or form field), as opposed to an image's
/// dead-letter reasons (<see cref="ReasonProblems"/>): 400 with the code <see cref="InvalidRequest"/> in <c>reason</c>.
/// </summary>
public static class RequestProblems
{
    public const string InvalidRequest = nameof(InvalidRequest);

    public const string Title = "Invalid request";

    public static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: Title,
            extensions: new Dictionary<string, object?> { ["reason"] = InvalidRequest });
}

/// <summary>A request refused where no result can be returned directly (reading a form); answered as <see cref="RequestProblems.Invalid"/>.</summary>
public sealed class InvalidRequestException(string message) : Exception(message);
