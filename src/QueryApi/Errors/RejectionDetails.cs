using ImageSearch.QueryApi.Security;
using ImageSearch.Contracts;

namespace ImageSearch.QueryApi.Errors;

/// <summary>
/// What a caller is told about a refused image, in problem details, insert failures and the dead-letter list alike. The
/// embedding core writes its messages for the operator: a file that is not an image is described by its first bytes, a
/// path refused after its links were followed names where they lead, file errors name the resolved path. A caller holding
/// the API key gets them whole; anyone else gets the reason's own sentence, which names nothing found on the server.
/// Messages about the request itself (<see cref="DeadLetterReason.InvalidMessage"/>) only repeat what the caller sent.
/// </summary>
internal static class RejectionDetails
{
    public static string For(HttpContext context, DeadLetterReason reason, string message) =>
        reason == DeadLetterReason.InvalidMessage || context.RequestServices.GetRequiredService<ApiKey>().IsHeldBy(context.Request)
            ? message
            : $"{ReasonProblems.TitleOf(reason)} ({reason}).";
}
