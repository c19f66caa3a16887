using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;
using ImageSearch.VectorStore;
using Microsoft.AspNetCore.Diagnostics;

namespace ImageSearch.QueryApi.Errors;

/// <summary>
/// Turns every exception that reaches the pipeline into RFC 7807 problem details: known failures get their own status
/// and a clear title; anything else is a 500 that names its trace id (the log line carries the same id) and no internals.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return true;
        }
        var (status, title, detail, reason) = exception switch
        {
            ImageRejectedException e => (ReasonProblems.StatusOf(e.Reason), ReasonProblems.TitleOf(e.Reason),
                RejectionDetails.For(context, e.Reason, e.Message), e.Reason.ToString()),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e =>
                (e.StatusCode, "The request body is too large", e.Message, "TooManyBytes"),
            InvalidRequestException e => (StatusCodes.Status400BadRequest, RequestProblems.Title, e.Message, RequestProblems.InvalidRequest),
            BadHttpRequestException e => (e.StatusCode, "Bad request", e.Message, RequestProblems.InvalidRequest),
            System.Text.Json.JsonException e => (StatusCodes.Status400BadRequest, "The JSON body is not valid", e.Message, RequestProblems.InvalidRequest),
            // Form reading throws this when a multipart section passes FormOptions' limits.
            InvalidDataException e when e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) =>
                (StatusCodes.Status413PayloadTooLarge, "The upload is too large", e.Message, "TooManyBytes"),
            CollectionMismatchException e => (ReasonProblems.StatusOf(DeadLetterReason.CollectionMismatch),
                ReasonProblems.TitleOf(DeadLetterReason.CollectionMismatch), e.Message, nameof(DeadLetterReason.CollectionMismatch)),
            StoreUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "The vector store is unavailable", e.Message, null),
            RabbitMQ.Client.Exceptions.BrokerUnreachableException e => (StatusCodes.Status503ServiceUnavailable, "The message broker is unavailable", e.Message, null),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", "The server failed to answer; the trace id locates it in the log.", (string?)null),
        };
        // Client errors are told to the client (and the request log line has the status); failures of ours are logged.
        if (status >= 500)
            logger.LogError(exception, "Request {Method} {Path} failed with {Status}", context.Request.Method, context.Request.Path, status);
        context.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (reason is not null)
            problem.Extensions["reason"] = reason;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}
