using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi.Security;

/// <summary>
/// Guards write endpoints: when <see cref="QueryApiOptions.ApiKey"/> is set, header <c>X-Api-Key</c> must match it
/// (compared in constant time). Without a configured key the endpoints are open, as in the one-machine standalone mode.
/// </summary>
internal sealed class ApiKeyFilter(IOptions<QueryApiOptions> options) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    private readonly byte[]? _key = options.Value.ApiKey is { Length: > 0 } key ? Encoding.UTF8.GetBytes(key) : null;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_key is null)
            return next(context);
        var given = context.HttpContext.Request.Headers[Header].ToString();
        if (given.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _key))
            return next(context);
        var detail = given.Length == 0 ? $"This endpoint needs the API key in header {Header}." : $"The key in header {Header} is not valid.";
        return ValueTask.FromResult<object?>(TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "API key required"));
    }
}
