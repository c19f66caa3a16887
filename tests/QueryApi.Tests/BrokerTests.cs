using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImageSearch.QueryApi.Insert;

namespace ImageSearch.QueryApi.Tests;

/// <summary>
/// The API on a real RabbitMQ node (a private one, started for this class): queued inserts reach the durable
/// <c>embed-image</c> queue before any embedder exists, the metrics report that queue's depth, and the broker check is healthy.
/// </summary>
public sealed class BrokerTests : IAsyncLifetime
{
    private RabbitMqNode? _node;
    private BrokerApi? _api;

    public async ValueTask InitializeAsync()
    {
        if (RabbitMqNode.WhyUnavailable() is not null)
            return;
        _node = await RabbitMqNode.StartAsync(virtualHosts: 1, TestContext.Current.CancellationToken);
        _api = new BrokerApi(_node);
        await _api.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
            await _api.DisposeAsync();
        if (_node is not null)
            await _node.DisposeAsync();
    }

    [Fact]
    public async Task QueuedInsertWaitsInTheBrokerAndMetricsShowTheDepth()
    {
        if (RabbitMqNode.WhyUnavailable() is { } why)
            Assert.Skip(why);
        var ct = TestContext.Current.CancellationToken;
        using var client = _api!.Client();
        var paths = Enumerable.Range(0, 3).Select(i => Path.Combine(_api.Images, $"waiting-{i}.jpg")).ToArray();

        var response = await client.PostAsJsonAsync("/insert", new InsertRequest(Paths: paths), ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<InsertAccepted>(ct))!.Queued);
        var metrics = await client.GetStringAsync("/metrics", ct);
        Assert.Contains("imagesearch_queue_messages{queue=\"embed-image\"} 3", metrics);
        var health = JsonDocument.Parse(await client.GetStringAsync("/health", ct)).RootElement;
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("broker").GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthIsNotHealthyWhileTheBrokerIsDown()
    {
        if (RabbitMqNode.WhyUnavailable() is { } why)
            Assert.Skip(why);
        var ct = TestContext.Current.CancellationToken;
        using var client = _api!.Client();
        Assert.Equal(("Healthy", "Healthy"), await HealthAsync(client, ct));

        await _node!.CtlAsync(["stop_app"], ct);
        try
        {
            await Eventually.HoldsAsync(async () => await HealthAsync(client, ct) == ("Degraded", "Degraded"), "health says the broker is down");
        }
        finally
        {
            await _node.CtlAsync(["start_app"], ct);
        }

        await Eventually.HoldsAsync(async () => await HealthAsync(client, ct) == ("Healthy", "Healthy"), "health recovers with the broker", seconds: 60);
    }

    /// <summary>The overall status and the broker check's.</summary>
    private static async Task<(string?, string?)> HealthAsync(HttpClient client, CancellationToken ct)
    {
        var health = JsonDocument.Parse(await client.GetStringAsync("/health", ct)).RootElement;
        return (health.GetProperty("status").GetString(), health.GetProperty("checks").GetProperty("broker").GetProperty("status").GetString());
    }

    private sealed class BrokerApi(RabbitMqNode node) : QueryApiFactory
    {
        protected override Dictionary<string, string?> Settings => new()
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:Host"] = "127.0.0.1",
            ["Bus:Port"] = node.Port.ToString(),
            ["Bus:VirtualHost"] = node.VirtualHosts[0],
            ["QueryApi:ApiKey"] = "",
            ["QueryApi:SyncInsertLimit"] = "0", // every insert is queued
        };
    }
}
