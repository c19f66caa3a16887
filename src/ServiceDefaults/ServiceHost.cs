using Microsoft.Extensions.Hosting;

namespace ImageSearch.ServiceDefaults;

/// <summary>How every service host starts, wherever it is started from.</summary>
public static class ServiceHost
{
    /// <summary>
    /// The content root is the application's own folder, not the working directory: its appsettings.json (and the query
    /// API's web page) are found whether it runs through <c>dotnet run</c>, from its project folder or from anywhere else.
    /// Data paths in settings stay relative to the working directory, like any path on a command line.
    /// </summary>
    public static HostApplicationBuilderSettings Settings(string[] args) =>
        new() { Args = args, ContentRootPath = AppContext.BaseDirectory };
}
