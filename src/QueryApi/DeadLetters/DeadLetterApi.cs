using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using ImageSearch.QueryApi.Errors;
using ImageSearch.QueryApi.Security;
using Microsoft.AspNetCore.Mvc;

namespace ImageSearch.QueryApi.DeadLetters;

public static class DeadLetterApi
{
    private const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapDeadLetterApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/dead-letters").WithTags("Dead letters");
        group.MapGet("/", ListAsync)
            .WithSummary("Counts per reason and one page of dead letters")
            .WithDescription("Pages follow the journal: pass the previous page's 'next' as 'after'. Filter with 'reason'; 'includeReplayed' also lists replayed ones. " +
                             "Messages name file contents and resolved paths only for callers with the API key. No journal yet (nothing recorded): empty.");
        group.MapPost("/replay", ReplayAsync)
            .WithRequestSizeLimit(RequestLimits.SmallBody)
            .WithSummary("Publish open dead letters again (all, or one reason)")
            .WithDescription("?reason=Corrupt or ?all=true. Images are sent to the embedders with the next attempt number; those failing again come back as new dead letters. " +
                             "Left open: images with DeadLetters:MaxAttempts tries, and with ?all=true the permanent reasons (NotAnImage, Corrupt, TooSmall...); ?force=true replays them too. " +
                             "Needs X-Api-Key when QueryApi:ApiKey is set.")
            .AddEndpointFilter<ApiKeyFilter>();
        return app;
    }

    private static async Task<Results<Ok<DeadLetterPage>, ProblemHttpResult>> ListAsync(
        HttpContext context, DeadLetterJournal journal, [FromQuery] DeadLetterReason? reason, [FromQuery] long? after, [FromQuery] int? limit,
        [FromQuery] bool? includeReplayed, CancellationToken cancellationToken)
    {
        var size = limit ?? 50;
        if (size is < 1 or > MaxPageSize)
            return RequestProblems.Invalid($"limit must be between 1 and {MaxPageSize}, not {size}");
        var counts = await journal.CountByReasonAsync(cancellationToken);
        var items = await journal.ListAsync(reason, after ?? 0, size, cancellationToken, includeReplayed ?? false);
        var next = items.Count == size ? items[^1].Id : (long?)null;
        var shown = items.Select(e => e with { Message = RejectionDetails.For(context, e.Reason, e.Message) }).ToList();
        return TypedResults.Ok(new DeadLetterPage(counts.Sum(c => c.Open), counts, shown, next));
    }

    private static async Task<Results<Ok<ReplayResponse>, ProblemHttpResult>> ReplayAsync(
        DeadLetterReplayer replayer, ILoggerFactory loggers, [FromQuery] DeadLetterReason? reason, [FromQuery] bool? all, [FromQuery] bool? force,
        CancellationToken cancellationToken)
    {
        if ((reason is not null) == (all is true)) // exactly one of the two
            return RequestProblems.Invalid("say what to replay: ?reason=<reason> or ?all=true (not both)");
        var outcome = await replayer.ReplayAsync(replayer.Policy(reason, force ?? false), batchSize: 500, onBatch: null, cancellationToken);
        loggers.CreateLogger(typeof(DeadLetterApi)).LogInformation(
            "Replayed {Count} dead letters ({Reason}); left {AtAttemptLimit} at the attempt limit and {Permanent} with permanent reasons open",
            outcome.Replayed, reason?.ToString() ?? "all", outcome.SkippedAtAttemptLimit, outcome.SkippedPermanent);
        return TypedResults.Ok(new ReplayResponse(outcome.Replayed, reason, outcome.SkippedAtAttemptLimit, outcome.SkippedPermanent));
    }
}

/// <param name="Open">Dead letters not replayed yet, over all reasons.</param>
/// <param name="Next">Pass as <c>after</c> for the next page; null on the last page.</param>
public sealed record DeadLetterPage(long Open, IReadOnlyList<ReasonCount> ByReason, IReadOnlyList<DeadLetterEntry> Items, long? Next);

/// <param name="Reason">The reason replayed; null when all were.</param>
/// <param name="SkippedAtAttemptLimit">Left open: they have had <c>DeadLetters:MaxAttempts</c> tries (<c>force</c> replays them).</param>
/// <param name="SkippedPermanent">Left open: a replay of all reasons leaves the permanent ones (<c>force</c> replays them).</param>
public sealed record ReplayResponse(long Replayed, DeadLetterReason? Reason, long SkippedAtAttemptLimit = 0, long SkippedPermanent = 0);
