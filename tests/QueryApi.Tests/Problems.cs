using System.Net;
using System.Text.Json;

namespace ImageSearch.QueryApi.Tests;

/// <summary>Reads RFC 7807 answers: the media type, status, title, and the reason code when the API gives one.</summary>
internal static class Problems
{
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? reason = null)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        if (reason is not null)
            Assert.Equal(reason, problem.GetProperty("reason").GetString());
        Assert.DoesNotContain("   at ", text); // never a stack trace
        return problem;
    }
}
