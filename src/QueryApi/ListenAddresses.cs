using System.Net;

namespace ImageSearch.QueryApi;

/// <summary>
/// Where Kestrel will listen, read from the settings Kestrel itself reads: <c>urls</c> (ASPNETCORE_URLS, --urls),
/// <c>http_ports</c> and <c>https_ports</c> (ASPNETCORE_HTTP_PORTS..., every interface), and <c>Kestrel:Endpoints:*:Url</c>.
/// Read before the server starts, so a refused configuration never listens at all.
/// </summary>
internal static class ListenAddresses
{
    /// <summary>The configured addresses other machines can reach: any but localhost, 127.0.0.0/8, [::1] and Unix sockets.</summary>
    public static IReadOnlyList<string> Exposed(IConfiguration configuration) =>
        Split(configuration["urls"])
            .Concat(Split(configuration["http_ports"]).Select(port => $"http://*:{port}"))
            .Concat(Split(configuration["https_ports"]).Select(port => $"https://*:{port}"))
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>())
            .Where(url => !IsLocal(url))
            .ToList();

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsLocal(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false; // Kestrel will refuse it anyway; until then it counts as exposed
        }
        var host = address.Host.Trim('[', ']');
        return address.IsUnixPipe
            || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
