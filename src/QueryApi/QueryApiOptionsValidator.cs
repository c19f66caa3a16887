using ImageSearch.Contracts;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi;

/// <summary>
/// The checks that span sections: uploads must be readable by the embedders, limits must agree, the collection name must
/// suit every store, and an API that other machines can reach must have a key (or say it goes without one on purpose).
/// </summary>
internal sealed class QueryApiOptionsValidator(AllowedPaths allowed, IOptions<EmbeddingOptions> embedding, IConfiguration configuration)
    : IValidateOptions<QueryApiOptions>
{
    public ValidateOptionsResult Validate(string? name, QueryApiOptions options)
    {
        var failures = new List<string>();
        if (CollectionNames.Problem(options.Collection) is { } problem)
            failures.Add($"QueryApi:Collection: {problem}");
        if (!allowed.Contains(options.UploadsPath))
            failures.Add($"QueryApi:UploadsPath ({Path.GetFullPath(options.UploadsPath)}) must be inside Embedding:AllowedRoots, or embedders could not read the uploads");
        if (options.DefaultK > options.MaxK)
            failures.Add($"QueryApi:DefaultK ({options.DefaultK}) must not exceed QueryApi:MaxK ({options.MaxK})");
        if (options.MaxUploadBytes > embedding.Value.MaxBytes)
            failures.Add($"QueryApi:MaxUploadBytes ({options.MaxUploadBytes:N0}) must not exceed Embedding:MaxBytes ({embedding.Value.MaxBytes:N0})");
        if (options.ApiKey is { Length: > 0 and < 16 })
            failures.Add("QueryApi:ApiKey must be at least 16 characters (or empty to turn the check off)");
        if (string.IsNullOrEmpty(options.ApiKey) && !options.AllowAnonymousNetwork && ListenAddresses.Exposed(configuration) is { Count: > 0 } exposed)
            failures.Add($"QueryApi:ApiKey is required to listen where other machines can reach the API ({string.Join(", ", exposed)}): " +
                         "set QueryApi__ApiKey (16+ characters), listen on localhost only (ASPNETCORE_URLS=http://localhost:8080), " +
                         "or set QueryApi__AllowAnonymousNetwork=true to let anyone there insert and replay");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
