using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ImageSearch.Contracts;
using ImageSearch.QueryApi.DeadLetters;
using ImageSearch.QueryApi.Search;

namespace ImageSearch.QueryApi.Tests;

/// <summary>
/// The README's main command in miniature: the query API with <c>Standalone:Enabled</c> hosts the embedder, the indexer
/// and the dead-letter recorder over the in-memory bus, and ingests its <c>Standalone:Ingest</c> sources at start.
/// </summary>
public sealed class StandaloneTests(StandaloneTests.StandaloneApi api) : IClassFixture<StandaloneTests.StandaloneApi>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IngestsItsSourcesAtStartDeadLettersTheBadOnesAndServesSearch()
    {
        var photos = SharedData.ImageNet100Files;
        using var client = api.Client();

        var letters = await WaitAsync(client, photos.Count, expectedDeadLetters: 2);

        Assert.Equal(
            new Dictionary<string, DeadLetterReason> { [api.EmptyFile] = DeadLetterReason.FileEmpty, [api.TextFile] = DeadLetterReason.NotAnImage },
            letters.Items.ToDictionary(l => l.Path, l => l.Reason));
        using var form = new MultipartFormDataContent();
        var image = new ByteArrayContent(await File.ReadAllBytesAsync(photos[7], Ct));
        image.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(image, "image", "query.jpg");
        var found = await (await client.PostAsync("/search?k=3", form, Ct)).Content.ReadFromJsonAsync<SearchResponse>(Ct);
        Assert.Equal(photos[7], found!.Results[0].Path);
    }

    /// <summary>Polls the public endpoints until the ingest has settled: every photo counted, every bad file dead-lettered.</summary>
    private static async Task<DeadLetterPage> WaitAsync(HttpClient client, int expectedCount, int expectedDeadLetters)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var count = await client.GetFromJsonAsync<CountResponse>("/count", Ct);
            var letters = await client.GetFromJsonAsync<DeadLetterPage>("/dead-letters", Ct);
            if (count!.Count == expectedCount && letters!.Open == expectedDeadLetters)
                return letters;
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2),
                $"after {clock.Elapsed}: {count.Count} of {expectedCount} images, {letters!.Open} of {expectedDeadLetters} dead letters");
            await Task.Delay(250, Ct);
        }
    }

    /// <summary>Standalone, ingesting the imagenet-100 photos and a folder of two broken files.</summary>
    public sealed class StandaloneApi : QueryApiFactory
    {
        private string Bad => Path.Combine(Root, "bad");

        public string EmptyFile => Path.Combine(Bad, "empty.jpg");

        public string TextFile => Path.Combine(Bad, "notes.jpg");

        protected override Dictionary<string, string?> Settings => new()
        {
            ["Standalone:Enabled"] = "true",
            ["Standalone:Ingest:0"] = SharedData.ImageNet100,
            ["Standalone:Ingest:1"] = Bad,
            ["Embedder:TimeLimit"] = "00:00:00.2",
            ["Indexer:TimeLimit"] = "00:00:00.2",
        };

        public override async ValueTask InitializeAsync()
        {
            SharedData.Require();
            Directory.CreateDirectory(Bad);
            await File.WriteAllBytesAsync(EmptyFile, []);
            await File.WriteAllTextAsync(TextFile, "not a photo");
            await base.InitializeAsync();
        }
    }
}
