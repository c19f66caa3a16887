using ImageSearch.Contracts;
using ImageSearch.DeadLetters.ErrorQueues;
using ImageSearch.QueryApi.Errors;
using ImageSearch.QueryApi.Security;
using ImageSearch.ServiceDefaults;
using Microsoft.AspNetCore.Mvc;

namespace ImageSearch.QueryApi.DeadLetters;

/// <summary>The pipeline's error queues over HTTP: what faulted and why, and moving it back or into the journal.</summary>
public static class ErrorQueueApi
{
    private const int MaxExamples = 1000;
    private const int MaxScan = 100_000;

    public static IEndpointRouteBuilder MapErrorQueueApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/errors").WithTags("Error queues");
        group.MapGet("/", ListAsync)
            .WithSummary("Faulted messages per error queue, grouped by exception type")
            .WithDescription("'queue' (embed-image_error, index-image_error or image-dead-letters_error; all when absent), 'examples' per exception type (default 3), 'scan' messages read per queue (default 10000).");
        group.MapPost("/requeue", RequeueAsync)
            .WithRequestSizeLimit(RequestLimits.SmallBody)
            .WithSummary("Move faulted messages back to the queue they came from")
            .WithDescription("'queue', 'exception' (full or short type name) and 'limit' narrow the selection; all by default. Needs X-Api-Key when QueryApi:ApiKey is set.")
            .AddEndpointFilter<ApiKeyFilter>();
        group.MapPost("/to-journal", ToJournalAsync)
            .WithRequestSizeLimit(RequestLimits.SmallBody)
            .WithSummary("Move faulted messages into the dead-letter journal (reason Unexpected, the exception as detail)")
            .WithDescription("Same selection as /errors/requeue; the recorder writes them, and /dead-letters/replay replays them. Needs X-Api-Key when QueryApi:ApiKey is set.")
            .AddEndpointFilter<ApiKeyFilter>();
        return app;
    }

    private static async Task<Results<Ok<ErrorQueueReport>, ProblemHttpResult>> ListAsync(
        ErrorQueueReader reader, BrokerConnection broker, [FromQuery] string? queue, [FromQuery] int? examples, [FromQuery] int? scan,
        CancellationToken cancellationToken)
    {
        if (examples is < 0 or > MaxExamples || scan is < 0 or > MaxScan)
            return Invalid($"examples must be 0..{MaxExamples} and scan 0..{MaxScan}");
        return await WithQueuesAsync(broker, queue, async () =>
            TypedResults.Ok(new ErrorQueueReport(await reader.ListAsync(queue, scan ?? 10_000, examples ?? 3, cancellationToken))));
    }

    private static Task<Results<Ok<ErrorMoveResponse>, ProblemHttpResult>> RequeueAsync(
        ErrorQueueMover mover, BrokerConnection broker, [FromQuery] string? queue, [FromQuery] string? exception, [FromQuery] long? limit,
        CancellationToken cancellationToken) =>
        MoveAsync(broker, queue, limit, () => mover.RequeueAsync(new FaultSelection(queue, exception, limit), cancellationToken));

    private static Task<Results<Ok<ErrorMoveResponse>, ProblemHttpResult>> ToJournalAsync(
        ErrorQueueMover mover, BrokerConnection broker, [FromQuery] string? queue, [FromQuery] string? exception, [FromQuery] long? limit,
        CancellationToken cancellationToken) =>
        MoveAsync(broker, queue, limit, () => mover.ToJournalAsync(new FaultSelection(queue, exception, limit), cancellationToken));

    private static async Task<Results<Ok<ErrorMoveResponse>, ProblemHttpResult>> MoveAsync(
        BrokerConnection broker, string? queue, long? limit, Func<Task<IReadOnlyList<MovedMessages>>> move)
    {
        if (limit is < 1)
            return Invalid($"limit must be at least 1, not {limit}");
        return await WithQueuesAsync(broker, queue, async () =>
        {
            var queues = await move();
            return TypedResults.Ok(new ErrorMoveResponse(queues.Sum(q => q.Moved), queues));
        });
    }

    /// <summary>Runs <paramref name="read"/> where there are error queues to read; 400 for a queue that is not one of them.</summary>
    private static async Task<Results<Ok<T>, ProblemHttpResult>> WithQueuesAsync<T>(BrokerConnection broker, string? queue, Func<Task<Ok<T>>> read)
    {
        if (!broker.Enabled)
            return TypedResults.Problem("Error queues are RabbitMQ queues; this API runs on the in-memory bus (standalone mode).",
                statusCode: StatusCodes.Status409Conflict, title: "No broker");
        try
        {
            ErrorQueue.Select(queue);
        }
        catch (ArgumentException e)
        {
            return Invalid(e.Message);
        }
        return await read();
    }

    private static ProblemHttpResult Invalid(string detail) => ReasonProblems.For(DeadLetterReason.InvalidMessage, detail);
}

/// <param name="Moved">Messages moved over all queues.</param>
public sealed record ErrorMoveResponse(long Moved, IReadOnlyList<MovedMessages> Queues);
