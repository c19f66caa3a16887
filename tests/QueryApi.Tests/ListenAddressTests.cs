using System.Diagnostics;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi.Tests;

/// <summary>An API that other machines can reach needs a key, or an explicit choice to go without one.</summary>
public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("urls", "http://localhost:5000;http://127.0.0.1:5001;http://[::1]:5002;http://unix:/run/api.sock", false)]
    [InlineData("urls", "http://localhost:5000;http://0.0.0.0:5001", true)]
    [InlineData("urls", "http://*:8080", true)]
    [InlineData("urls", "http://+:8080", true)]
    [InlineData("urls", "http://[::]:8080", true)]
    [InlineData("urls", "https://api.example.org", true)]
    [InlineData("http_ports", "8080", true)]
    [InlineData("https_ports", "8443", true)]
    [InlineData("Kestrel:Endpoints:Web:Url", "http://10.1.2.3:80", true)]
    [InlineData("Kestrel:Endpoints:Web:Url", "http://127.0.0.2:80", false)]
    [InlineData("unrelated", "http://0.0.0.0:1", false)]
    public void AddressesOtherMachinesCanReachAreFound(string key, string value, bool exposed) =>
        Assert.Equal(exposed, ListenAddresses.Exposed(Settings((key, value))).Count > 0);

    [Theory]
    [InlineData(null, false, "http://0.0.0.0:8080", false)]
    [InlineData(null, false, "http://localhost:8080", true)]
    [InlineData(null, true, "http://0.0.0.0:8080", true)]
    [InlineData("a-key-of-16-chars", false, "http://0.0.0.0:8080", true)]
    public void StartOnTheNetworkNeedsAKeyOrAnExplicitChoice(string? key, bool allowAnonymous, string urls, bool valid)
    {
        var embedding = Options.Create(new EmbeddingOptions());
        var validator = new QueryApiOptionsValidator(new AllowedPaths(embedding), embedding, Settings(("urls", urls)));

        var result = validator.Validate(null, new QueryApiOptions { ApiKey = key, AllowAnonymousNetwork = allowAnonymous });

        Assert.True(valid == result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void ABadCollectionNameIsRefusedAtStart()
    {
        var embedding = Options.Create(new EmbeddingOptions());
        var result = new QueryApiOptionsValidator(new AllowedPaths(embedding), embedding, Settings())
            .Validate(null, new QueryApiOptions { Collection = "my-photos" });

        Assert.Contains("QueryApi:Collection: invalid collection name 'my-photos'", result.FailureMessage);
    }

    [Fact]
    public async Task TheRealServiceRefusesToStartOnANetworkAddressWithoutAKeyAndNeverListens()
    {
        using var folder = new TempFolder();
        var port = FreePort.Any();
        var info = new ProcessStartInfo("dotnet", [ServiceBuild.QueryApi.Assembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder.Path,
        };
        info.Environment["ASPNETCORE_URLS"] = $"http://0.0.0.0:{port}";
        info.Environment["QueryApi__ApiKey"] = "";
        info.Environment["Bus__Transport"] = "InMemory";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }

        var said = await output + await error;
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains($"QueryApi:ApiKey is required to listen where other machines can reach the API (http://0.0.0.0:{port})", said);
        Assert.DoesNotContain("Now listening", said);
    }

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
