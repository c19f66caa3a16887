using System.Net;
using System.Net.Http.Json;
using ImageSearch.Contracts;
using ImageSearch.DeadLetters;
using ImageSearch.QueryApi.DeadLetters;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.QueryApi.Tests;

/// <summary>The journal is filled through its own API (as the recorder does), then read and replayed over HTTP.</summary>
public sealed class DeadLetterTests(SeededApi api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<ImageDeadLettered>> RecordAsync(DeadLetterReason reason, int count, string tag, int attempts = 1, string? message = null)
    {
        var letters = Enumerable.Range(0, count)
            .Select(i => new ImageDeadLettered(ImageIds.FromKey($"{tag}-{i}"), $"/photos/{tag}/{i}.jpg", "label", null, PipelineStage.Embed, reason,
                message ?? $"{reason} #{i}", attempts, DateTimeOffset.UtcNow))
            .ToList();
        await api.Services.GetRequiredService<DeadLetterJournal>().RecordAsync(letters, Ct);
        return letters;
    }

    [Fact]
    public async Task ListsGroupedByReasonAndPages()
    {
        await RecordAsync(DeadLetterReason.TooManyPixels, 5, "pixels");
        await RecordAsync(DeadLetterReason.TooSmall, 2, "small");
        using var client = api.Client();

        var all = (await client.GetFromJsonAsync<DeadLetterPage>("/dead-letters", Ct))!;
        Assert.Equal(5, all.ByReason.Single(r => r.Reason == DeadLetterReason.TooManyPixels).Open);
        Assert.Equal(2, all.ByReason.Single(r => r.Reason == DeadLetterReason.TooSmall).Open);
        Assert.Equal(all.ByReason.Sum(r => r.Open), all.Open);

        var pages = new List<DeadLetterPage>();
        string url = "/dead-letters?reason=TooManyPixels&limit=2";
        while (true)
        {
            var page = (await client.GetFromJsonAsync<DeadLetterPage>(url, Ct))!;
            pages.Add(page);
            if (page.Next is null)
                break;
            url = $"/dead-letters?reason=TooManyPixels&limit=2&after={page.Next}";
        }
        Assert.Equal([2, 2, 1], pages.Select(p => p.Items.Count));
        var items = pages.SelectMany(p => p.Items).ToList();
        Assert.All(items, i => Assert.Equal(DeadLetterReason.TooManyPixels, i.Reason));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"/photos/pixels/{i}.jpg"), items.Select(i => i.Path));
    }

    [Fact]
    public async Task ReplaysOneReasonWithTheNextAttempt()
    {
        var letters = await RecordAsync(DeadLetterReason.Unreadable, 3, "unreadable");
        await using var capture = await EmbedImageCapture.StartAsync(api.Services, "test-replay");
        using var client = api.Client(withKey: true);
        var response = await client.PostAsync("/dead-letters/replay?reason=Unreadable", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<ReplayResponse>(Ct))!.Replayed);
        IEnumerable<EmbedImage> Replayed() => capture.Messages.Where(m => m.Path.StartsWith("/photos/unreadable/"));
        await Eventually.HoldsAsync(() => Replayed().Count() >= 3, "the 3 replayed images are published", seconds: 20);
        Assert.Equal(letters.Select(l => (l.ImageId, 2)).Order(), Replayed().Select(m => (m.ImageId, m.Attempt)).Order());
        var counts = (await client.GetFromJsonAsync<DeadLetterPage>("/dead-letters", Ct))!.ByReason.Single(r => r.Reason == DeadLetterReason.Unreadable);
        Assert.Equal((0, 3), (counts.Open, counts.Replayed));
    }

    [Fact]
    public async Task ReplayOfAllLeavesPermanentReasonsAndImagesAtTheAttemptLimitOpenUnlessForced()
    {
        await RecordAsync(DeadLetterReason.FileMissing, 1, "all-retried");
        await RecordAsync(DeadLetterReason.NotAnImage, 1, "all-permanent");
        await RecordAsync(DeadLetterReason.FileMissing, 1, "all-at-limit", attempts: 5);
        using var client = api.Client(withKey: true);

        var replay = await (await client.PostAsync("/dead-letters/replay?all=true", null, Ct)).Content.ReadFromJsonAsync<ReplayResponse>(Ct);
        Assert.True(replay!.SkippedPermanent >= 1 && replay.SkippedAtAttemptLimit >= 1, $"{replay}");
        Assert.Equal(["/photos/all-at-limit/0.jpg", "/photos/all-permanent/0.jpg"], await OpenAsync("/photos/all-"));

        await client.PostAsync("/dead-letters/replay?all=true&force=true", null, Ct);
        Assert.Empty(await OpenAsync("/photos/all-"));
    }

    [Fact]
    public async Task MessagesShowFileContentsOnlyToCallersWithTheKey()
    {
        await RecordAsync(DeadLetterReason.NotAnImage, 1, "message-hidden", message: "not a supported image; it starts with SECRET-C");
        using var anonymous = api.Client();
        using var keyed = api.Client(withKey: true);

        static async Task<string> MessageAsync(HttpClient client) =>
            (await client.GetFromJsonAsync<DeadLetterPage>("/dead-letters?reason=NotAnImage&limit=1000", Ct))!.Items.Single(i => i.Path.Contains("message-hidden")).Message;

        Assert.Equal("Not a supported image (NotAnImage).", await MessageAsync(anonymous));
        Assert.Contains("SECRET-C", await MessageAsync(keyed));
    }

    /// <summary>The open dead letters whose path starts with <paramref name="prefix"/>, read from the journal.</summary>
    private async Task<List<string>> OpenAsync(string prefix) =>
        (await api.Services.GetRequiredService<DeadLetterJournal>().ListAsync(null, 0, 100_000, Ct))
            .Select(e => e.Path).Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Order().ToList();

    [Theory]
    [InlineData("/dead-letters/replay")]
    [InlineData("/dead-letters/replay?reason=Corrupt&all=true")]
    [InlineData("/dead-letters/replay?reason=NoSuchReason")]
    public async Task ReplayNeedsExactlyOneChoice(string url)
    {
        using var client = api.Client(withKey: true);
        await Problems.AssertProblemAsync(await client.PostAsync(url, null, Ct), HttpStatusCode.BadRequest);
    }
}
