using System.Net;
using System.Text.Json;
using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.QueryApi.Tests;

public sealed class HealthAndMetricsTests(SeededApi api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthReportsBrokerStoreAndModel()
    {
        using var client = api.Client();
        using var response = await client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        foreach (var name in new[] { "broker", "store", "model" })
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
        Assert.Equal("resnet18", checks.GetProperty("model").GetProperty("data").GetProperty("model").GetString());
        Assert.Equal("images", checks.GetProperty("store").GetProperty("data").GetProperty("collection").GetString());
    }

    [Fact]
    public async Task MetricsCountSearchesAndDeadLetters()
    {
        await api.Services.GetRequiredService<DeadLetterJournal>().RecordAsync(
            [new ImageDeadLettered(ImageIds.FromKey("metrics-1"), "/photos/m.jpg", null, null, PipelineStage.Index, DeadLetterReason.CollectionMismatch, "other model", 1, DateTimeOffset.UtcNow)], Ct);
        using var client = api.Client();
        await SearchTests.Upload(client, "/search", TestImages.Jpeg(700), "q.jpg");
        await SearchTests.Upload(client, "/search", "not an image"u8.ToArray(), "q.jpg");

        var text = await client.GetStringAsync("/metrics", Ct);

        Assert.Matches(@"imagesearch_searches_total\{outcome=""ok""\} [1-9]", text);
        Assert.Matches(@"imagesearch_searches_total\{outcome=""NotAnImage""\} [1-9]", text);
        Assert.Matches(@"imagesearch_search_duration_seconds_count\{stage=""embed""\} [1-9]", text);
        Assert.Matches(@"imagesearch_search_duration_seconds_count\{stage=""search""\} [1-9]", text);
        Assert.Matches(@"imagesearch_dead_letters\{reason=""CollectionMismatch"",state=""open""\} 1\b", text);
        Assert.Matches(@"imagesearch_collection_images [1-9]", text);
        Assert.Contains("http_requests_received_total", text);
    }

    [Fact]
    public async Task OpenApiDocumentAndItsBrowserAreServed()
    {
        using var client = api.Client();
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/search", "/insert", "/insert/{trackingId}", "/count", "/images/{id}", "/dead-letters", "/dead-letters/replay", "/errors", "/errors/requeue", "/errors/to-journal" })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        var scalar = await client.GetStringAsync("/scalar/", Ct);
        Assert.DoesNotContain("cdn.", scalar); // served from the package, works offline
    }
}
