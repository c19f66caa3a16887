using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi;

/// <summary>
/// Each endpoint's own request size limit, below Kestrel's limit for the largest request (an insert of
/// <see cref="QueryApiOptions.MaxUploadFiles"/> uploads): a search reads one image, and the other writes take a small body.
/// </summary>
public static class RequestLimits
{
    /// <summary>Room for the form's other fields and multipart headers around the files.</summary>
    private const long Envelope = 1024 * 1024;

    /// <summary>A request whose body is a small JSON object or query string (replay, error-queue moves).</summary>
    public const long SmallBody = 64 * 1024;

    public static long OneUpload(QueryApiOptions options) => options.MaxUploadBytes + Envelope;

    /// <summary>The largest request of all, which Kestrel and the form reader are set to.</summary>
    public static long AllUploads(QueryApiOptions options) => (long)options.MaxUploadBytes * options.MaxUploadFiles + Envelope;

    public static TBuilder WithRequestSizeLimit<TBuilder>(this TBuilder endpoint, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(new RequestSizeLimitAttribute(bytes));

    public static QueryApiOptions Options(this IEndpointRouteBuilder app) =>
        app.ServiceProvider.GetRequiredService<IOptions<QueryApiOptions>>().Value;
}
