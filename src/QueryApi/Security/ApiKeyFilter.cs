namespace ImageSearch.QueryApi.Security;

/// <summary>
/// Guards write endpoints: when <see cref="QueryApiOptions.ApiKey"/> is set, header <c>X-Api-Key</c> must match it.
/// Without a configured key the endpoints are open, as in the one-machine standalone mode (the API then refuses to start
/// on an address other machines can reach, unless <see cref="QueryApiOptions.AllowAnonymousNetwork"/>).
/// </summary>
internal sealed class ApiKeyFilter(ApiKey key) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!key.IsConfigured || key.IsHeldBy(request))
            return next(context);
        var detail = request.Headers[ApiKey.Header].ToString().Length == 0
            ? $"This endpoint needs the API key in header {ApiKey.Header}."
            : $"The key in header {ApiKey.Header} is not valid.";
        return ValueTask.FromResult<object?>(TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "API key required"));
    }
}
