using ImageSearch.Embedding.Imaging;
using ImageSearch.QueryApi.Errors;
using ImageSearch.VectorStore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImageSearch.QueryApi.Images;

public static class ImageApi
{
    public static IEndpointRouteBuilder MapImageApi(this IEndpointRouteBuilder app)
    {
        // The route takes a numeric id only: no path from the URL ever reaches the file system.
        app.MapGet("/images/{id:long}", ThumbnailAsync)
            .WithTags("Search")
            .WithSummary("JPEG thumbnail of a stored image")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg");
        return app;
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> ThumbnailAsync(
        long id, HttpContext context, IVectorStore store, ActiveCollection collection, AllowedPaths allowed,
        ThumbnailRenderer thumbnails, IOptions<QueryApiOptions> options, CancellationToken cancellationToken)
    {
        VectorRecord? record;
        try
        {
            record = await store.GetAsync(collection.Name, id, cancellationToken);
        }
        catch (CollectionNotFoundException)
        {
            record = null;
        }
        if (record is null)
            return TypedResults.Problem($"no image with id {id} in collection '{collection.Name}'", statusCode: StatusCodes.Status404NotFound, title: "Unknown image");

        // The stored path was checked when it was embedded, but roots may have changed since, and links may now point elsewhere.
        var file = new FileInfo(allowed.Resolve(record.Path));
        if (!file.Exists)
            return ReasonProblems.For(Contracts.DeadLetterReason.FileMissing, $"image {id} was stored from {record.Path}, which no longer exists");
        var tag = new EntityTagHeaderValue($"\"{id:x}-{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}-{options.Value.ThumbnailSize}\"");
        context.Response.Headers.CacheControl = $"public, max-age={(int)options.Value.ThumbnailMaxAge.TotalSeconds}";
        context.Response.Headers.ETag = tag.ToString();
        // Answer a revalidation before decoding anything.
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Compare(tag, useStrongComparison: false)))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        var jpeg = await thumbnails.RenderAsync(file.FullName, cancellationToken);
        return TypedResults.File(jpeg, "image/jpeg", lastModified: file.LastWriteTimeUtc);
    }
}
