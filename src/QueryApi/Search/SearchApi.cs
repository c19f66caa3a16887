using ImageSearch.Contracts;
using ImageSearch.QueryApi.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi.Search;

public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/search", SearchAsync)
            .WithTags("Search")
            .WithSummary("Find the stored images most like a query image")
            .WithDescription("Send the image as multipart/form-data (field 'image'), or JSON {\"path\": ...} naming a file under the allowed roots. " +
                             "k (default QueryApi:DefaultK, at most QueryApi:MaxK) and label (only results with that label) come from the query string, the form or the JSON body.")
            .Accepts<SearchByPathRequest>("application/json", "multipart/form-data")
            .WithRequestSizeLimit(RequestLimits.OneUpload(app.Options()))
            .DisableAntiforgery();
        app.MapGet("/count", CountAsync)
            .WithTags("Search")
            .WithSummary("How many images the collection holds");
        return app;
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(
        HttpRequest request, [FromQuery] int? k, [FromQuery] string? label,
        ImageSearcher searcher, UploadReader uploads, ActiveCollection collection, IOptions<QueryApiOptions> options, CancellationToken cancellationToken)
    {
        SearchOutcome outcome;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            k ??= int.TryParse(form["k"], out var formK) ? formK : null;
            label ??= form["label"].FirstOrDefault();
            if (Check(k, options.Value) is { } invalid)
                return invalid;
            var image = await uploads.ReadFirstAsync(form, cancellationToken);
            outcome = await searcher.SearchEncodedAsync(image.Bytes, k ?? options.Value.DefaultK, Blank(label), cancellationToken);
        }
        else if (request.HasJsonContentType())
        {
            var body = await request.ReadFromJsonAsync<SearchByPathRequest>(cancellationToken);
            if (string.IsNullOrWhiteSpace(body?.Path))
                return RequestProblems.Invalid("the JSON body needs \"path\": the file to search with");
            k ??= body.K;
            label ??= body.Label;
            if (Check(k, options.Value) is { } invalid)
                return invalid;
            outcome = await searcher.SearchFileAsync(body.Path, k ?? options.Value.DefaultK, Blank(label), cancellationToken);
        }
        else
        {
            return TypedResults.Problem("Send multipart/form-data with the image in field 'image', or application/json {\"path\": ...}.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type");
        }
        var results = outcome.Hits.Select(h => new SearchResult(h.Id, h.Path, h.Label, h.Distance, $"/images/{h.Id}")).ToList();
        return TypedResults.Ok(new SearchResponse(collection.Name, collection.Model.Id, results, outcome.Timings));
    }

    private static async Task<Ok<CountResponse>> CountAsync(ImageSearch.VectorStore.IVectorStore store, ActiveCollection collection, CancellationToken cancellationToken)
    {
        var info = await store.DescribeAsync(collection.Name, cancellationToken);
        return TypedResults.Ok(new CountResponse(collection.Name, info?.Count ?? 0, info?.Spec.Model ?? collection.Model.Id));
    }

    private static ProblemHttpResult? Check(int? k, QueryApiOptions options) =>
        k is { } value && (value < 1 || value > options.MaxK)
            ? RequestProblems.Invalid($"k must be between 1 and {options.MaxK}, not {value}")
            : null;

    private static string? Blank(string? label) => string.IsNullOrWhiteSpace(label) ? null : label;
}

/// <param name="Path">A file under <c>Embedding:AllowedRoots</c>; symbolic links are resolved before the check.</param>
public sealed record SearchByPathRequest(string Path, int? K = null, string? Label = null);

public sealed record SearchResponse(string Collection, string Model, IReadOnlyList<SearchResult> Results, SearchTimings Timings);

/// <param name="Distance">Smaller is closer: squared Euclidean distance between unit vectors (0 = same image, 4 = opposite).</param>
/// <param name="ThumbnailUrl">A JPEG thumbnail of the stored image.</param>
public sealed record SearchResult(long Id, string Path, string? Label, float Distance, string ThumbnailUrl);

/// <param name="Model">The model of the stored vectors (the query's model when the collection is still empty).</param>
public sealed record CountResponse(string Collection, long Count, string Model);
