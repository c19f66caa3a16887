using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;
using ImageSearch.QueryApi.Errors;
using ImageSearch.QueryApi.Security;
using ImageSearch.QueryApi.Metrics;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi.Insert;

public static class InsertApi
{
    public static IEndpointRouteBuilder MapInsertApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/insert", InsertAsync)
            .WithTags("Insert")
            .WithSummary("Add images to the collection")
            .WithDescription("JSON {\"paths\": [...], \"images\": [{\"path\", \"label\"}], \"label\"} naming files under the allowed roots, or multipart/form-data " +
                             "with files in field 'image' (and an optional 'label'). Up to QueryApi:SyncInsertLimit images are stored before the answer (201); " +
                             "more, or any when this API follows an embedded store another process writes, are queued for the embedders (202 with a tracking id to follow at GET /insert/{trackingId}). Needs X-Api-Key when QueryApi:ApiKey is set.")
            .Accepts<InsertRequest>("application/json", "multipart/form-data")
            .WithRequestSizeLimit(RequestLimits.AllUploads(app.Options()))
            .AddEndpointFilter<ApiKeyFilter>()
            .DisableAntiforgery();
        app.MapGet("/insert/{trackingId}", StatusAsync)
            .WithTags("Insert")
            .WithSummary("Progress of a queued insert: stored, dead-lettered, pending");
        return app;
    }

    private static async Task<Results<Created<InsertResponse>, Accepted<InsertAccepted>, ProblemHttpResult>> InsertAsync(
        HttpRequest request, UploadReader uploads, UploadStore uploadStore, ImageDecoder decoder,
        ImageInserter inserter, InsertQueue queue, ActiveCollection collection, ApiMetrics metrics, IOptions<QueryApiOptions> options,
        CancellationToken cancellationToken)
    {
        var items = new List<InsertItem>();
        var rejected = new List<InsertFailure>();
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            var label = form["label"].FirstOrDefault() is { Length: > 0 } l ? l : null;
            foreach (var upload in await uploads.ReadAsync(form, cancellationToken))
            {
                try
                {
                    // Sniff and check the limits before anything is written to disk.
                    var header = decoder.Inspect(upload.Bytes);
                    items.Add(new InsertItem(await uploadStore.SaveAsync(upload.Bytes, header.Format, cancellationToken), label, upload.Name));
                }
                catch (ImageRejectedException e)
                {
                    rejected.Add(new InsertFailure(upload.Name, e.Reason, RejectionDetails.For(request.HttpContext, e.Reason, e.Message)));
                    metrics.Rejected(e.Reason);
                }
            }
        }
        else if (request.HasJsonContentType())
        {
            var body = await request.ReadFromJsonAsync<InsertRequest>(cancellationToken);
            foreach (var (path, label) in (body?.Paths ?? []).Select(p => (p, body!.Label)).Concat((body?.Images ?? []).Select(i => (i.Path, i.Label ?? body!.Label))))
                if (string.IsNullOrWhiteSpace(path))
                    rejected.Add(new InsertFailure(path ?? "", DeadLetterReason.InvalidMessage, "a path is empty"));
                else
                    items.Add(new InsertItem(path, label, path));
        }
        else
        {
            return TypedResults.Problem("Send application/json {\"paths\": [...]} or multipart/form-data with files in field 'image'.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type");
        }

        var count = items.Count + rejected.Count;
        if (count == 0)
            return RequestProblems.Invalid("nothing to insert: give \"paths\" or \"images\", or upload files");
        if (count > options.Value.MaxInsertPaths)
            return ReasonProblems.For(DeadLetterReason.InvalidMessage,
                $"{count:N0} images is over the limit of {options.Value.MaxInsertPaths:N0} per request; use the ingestor CLI for bulk loads");

        // A follower of the embedded store cannot write it: the indexer stores every insert, so each one is queued.
        if (items.Count <= options.Value.SyncInsertLimit && !collection.FollowsStore)
        {
            var outcomes = items.Count == 0 ? [] : await inserter.InsertAsync(items, cancellationToken);
            var inserted = outcomes.Where(o => o.Reason is null).Select(o => new InsertedImage(o.Id, Path.GetFullPath(o.Item.Path), o.Item.Label, o.Item.Name)).ToList();
            rejected.AddRange(outcomes.Where(o => o.Reason is not null)
                .Select(o => new InsertFailure(o.Item.Name, o.Reason!.Value, RejectionDetails.For(request.HttpContext, o.Reason!.Value, o.Error!))));
            return rejected.Count == 0
                ? TypedResults.Created((string?)null, new InsertResponse(inserted))
                : Failed(rejected, inserted, count);
        }

        var queued = await queue.EnqueueAsync(items, cancellationToken);
        if (queued.Failed > 0)
            return TypedResults.Problem(
                $"The broker confirmed {queued.Published:N0} of {items.Count:N0} messages ({queued.FailureReason}). Send the request again: ids are stable, so nothing is stored twice.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "The message broker is unavailable",
                extensions: new Dictionary<string, object?> { ["trackingId"] = queued.TrackingId });
        var location = $"/insert/{queued.TrackingId}";
        return TypedResults.Accepted(location, new InsertAccepted(queued.TrackingId, queued.Published, location, rejected));
    }

    private static async Task<Results<Ok<InsertStatus>, ProblemHttpResult>> StatusAsync(string trackingId, InsertProgress progress, CancellationToken cancellationToken) =>
        await progress.GetAsync(trackingId, cancellationToken) is { } status
            ? TypedResults.Ok(status)
            : TypedResults.Problem($"no queued insert has tracking id '{trackingId}'", statusCode: StatusCodes.Status404NotFound, title: "Unknown tracking id");

    /// <summary>A reason shared by every failure gives its own status (403 outside the roots, 415 not an image...); a mix is 422.</summary>
    private static ProblemHttpResult Failed(List<InsertFailure> failures, List<InsertedImage> inserted, int count)
    {
        var reasons = failures.Select(f => f.Reason).Distinct().ToList();
        var (status, title) = reasons is [var only]
            ? (ReasonProblems.StatusOf(only), ReasonProblems.TitleOf(only))
            : (StatusCodes.Status422UnprocessableEntity, "Some images could not be inserted");
        var detail = $"{failures.Count} of {count} images could not be inserted ({inserted.Count} stored); first: {failures[0].Name}: {failures[0].Detail}";
        var extensions = new Dictionary<string, object?> { ["failures"] = failures, ["inserted"] = inserted };
        if (reasons is [var reason])
            extensions["reason"] = reason.ToString();
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
    }
}

/// <param name="Paths">Files under the allowed roots (label: <paramref name="Label"/>).</param>
/// <param name="Images">Files with their own labels.</param>
public sealed record InsertRequest(string[]? Paths = null, InsertImage[]? Images = null, string? Label = null);

public sealed record InsertImage(string Path, string? Label = null);

public sealed record InsertResponse(IReadOnlyList<InsertedImage> Inserted);

/// <param name="Name">The path as sent, or the uploaded file's name.</param>
public sealed record InsertedImage(long Id, string Path, string? Label, string Name);

public sealed record InsertFailure(string Name, DeadLetterReason Reason, string Detail);

/// <param name="Rejected">Uploads refused before queueing (not images, too large...).</param>
public sealed record InsertAccepted(string TrackingId, long Queued, string StatusUrl, IReadOnlyList<InsertFailure> Rejected);
