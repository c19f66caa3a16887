using System.Net;
using System.Net.Http.Json;
using ImageSearch.QueryApi.Insert;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.QueryApi.Tests;

/// <summary>
/// The real API on a real Kestrel port (so the browser test can reach it, and Kestrel's own limits apply), over a real
/// embedded store, journal and uploads folder in a temporary directory, the real ResNet18, and the in-memory bus.
/// Settings left to the derived fixtures: the API key and anything a test needs to differ.
/// </summary>
public class QueryApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ApiKey = "test-key-0123456789abcdef";
    public const int MaxUploadBytes = 1024 * 1024;

    public string Root { get; } = Directory.CreateTempSubdirectory("queryapi-tests-").FullName;

    /// <summary>A folder inside the allowed roots where tests put their own generated images.</summary>
    public string Images => Path.Combine(Root, "images");

    public string Uploads => Path.Combine(Root, "uploads");

    /// <summary>A folder outside every allowed root.</summary>
    public string Outside => Path.Combine(Root, "..", Path.GetFileName(Root) + "-outside");

    /// <summary>Extra settings of a derived fixture, applied last.</summary>
    protected virtual Dictionary<string, string?> Settings => new() { ["QueryApi:ApiKey"] = ApiKey };

    public Uri BaseAddress { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["VectorStore:Kind"] = "Embedded",
            ["VectorStore:Embedded:Path"] = Path.Combine(Root, "store"),
            ["DeadLetters:Path"] = Path.Combine(Root, "dead-letters.db"),
            ["QueryApi:UploadsPath"] = Uploads,
            ["QueryApi:TrackingPath"] = Path.Combine(Root, "tracking.db"),
            ["QueryApi:MaxUploadBytes"] = MaxUploadBytes.ToString(),
            ["QueryApi:MaxUploadFiles"] = "4",
            ["QueryApi:PipelineStatsMaxAge"] = "00:00:00",
            ["Embedding:AllowedRoots:0"] = Root,
            ["Embedding:AllowedRoots:1"] = SharedData.Directory ?? Root,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:MassTransit"] = "Warning",
        };
        foreach (var (key, value) in settings.Concat(Settings))
            builder.UseSetting(key, value);
    }

    public virtual ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Images);
        Directory.CreateDirectory(Outside);
        UseKestrel(FreePort.Any());
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        return ValueTask.CompletedTask;
    }

    /// <summary>A plain HTTP client over loopback (with the API key when <paramref name="withKey"/>).</summary>
    public HttpClient Client(bool withKey = false)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (withKey)
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    /// <summary>Stores the 100 imagenet-100 photos, labelled with their class, through synchronous inserts.</summary>
    public async Task SeedImageNet100Async(CancellationToken cancellationToken)
    {
        using var client = Client(withKey: true);
        foreach (var chunk in SharedData.ImageNet100Files.Chunk(25))
        {
            var request = new InsertRequest(Images: chunk.Select(p => new InsertImage(p, Path.GetFileName(Path.GetDirectoryName(p)))).ToArray());
            using var response = await client.PostAsJsonAsync("/insert", request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"seeding failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }


    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var folder in new[] { Root, Outside })
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
