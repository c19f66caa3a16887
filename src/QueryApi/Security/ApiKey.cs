using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi.Security;

/// <summary>The configured <see cref="QueryApiOptions.ApiKey"/>, and whether a request holds it (compared in constant time).</summary>
internal sealed class ApiKey(IOptions<QueryApiOptions> options)
{
    public const string Header = "X-Api-Key";

    private readonly byte[]? _key = options.Value.ApiKey is { Length: > 0 } key ? Encoding.UTF8.GetBytes(key) : null;

    public bool IsConfigured => _key is not null;

    /// <summary>Whether the request carries the configured key. Never without a configured key: then every caller is anonymous.</summary>
    public bool IsHeldBy(HttpRequest request) =>
        _key is not null && request.Headers[Header].ToString() is { Length: > 0 } given
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _key);
}
