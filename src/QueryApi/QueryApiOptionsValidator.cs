using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi;

/// <summary>The checks that span sections: uploads must be readable by the embedders, limits must agree.</summary>
internal sealed class QueryApiOptionsValidator(AllowedPaths allowed, IOptions<EmbeddingOptions> embedding) : IValidateOptions<QueryApiOptions>
{
    public ValidateOptionsResult Validate(string? name, QueryApiOptions options)
    {
        var failures = new List<string>();
        if (!allowed.Contains(options.UploadsPath))
            failures.Add($"QueryApi:UploadsPath ({Path.GetFullPath(options.UploadsPath)}) must be inside Embedding:AllowedRoots, or embedders could not read the uploads");
        if (options.DefaultK > options.MaxK)
            failures.Add($"QueryApi:DefaultK ({options.DefaultK}) must not exceed QueryApi:MaxK ({options.MaxK})");
        if (options.MaxUploadBytes > embedding.Value.MaxBytes)
            failures.Add($"QueryApi:MaxUploadBytes ({options.MaxUploadBytes:N0}) must not exceed Embedding:MaxBytes ({embedding.Value.MaxBytes:N0})");
        if (options.ApiKey is { Length: > 0 and < 16 })
            failures.Add("QueryApi:ApiKey must be at least 16 characters (or empty to turn the check off)");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
