using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ImageSearch.Benchmarks.Embedding;
using ImageSearch.Benchmarks.Store;
using ImageSearch.Contracts;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using ImageSearch.TestSupport;
using ImageSearch.VectorStore;
using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.Benchmarks.Api;

/// <summary>
/// Upload-to-answer latency of <c>POST /search</c>: the real API in its own process on loopback, the embedded store seeded
/// with the 100 imagenet-100 photos (embedded by the same core) plus random unit vectors up to 10k and 100k, queried
/// one at a time by uploading those photos. Each size runs with ONNX Runtime at 1 and 2 intra-op threads; the server's
/// own timings split embed from search, and the embed stages are timed alone in this process.
/// </summary>
public sealed class ApiBenchmark : IBenchmark
{
    public string Name => "api";
    public string Description => "POST /search latency p50/p99 over loopback at 10k and 100k vectors [--sizes 10000,100000] [--threads 1,2] [--queries 300] [--provider cpu|cuda] [--section api] [--data DIR]";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var sizes = arguments.Integers("sizes", "10000,100000");
        var threads = arguments.Integers("threads", "1,2");
        var queries = int.Parse(arguments.Get("queries", "300"));
        var files = Directory.EnumerateFiles(Path.Combine(arguments.DataFolder(), "imagenet-100", "test"), "*.JPEG", SearchOption.AllDirectories).Order().ToList();
        var photos = files.Select(File.ReadAllBytes).ToList();
        var work = Directory.CreateTempSubdirectory("api-bench-").FullName;
        var loadBefore = LoadAverage();
        try
        {
            var stages = EmbedStages.Measure(arguments, photos, threads);
            var rows = new List<Row>();
            var seeded = 0;
            foreach (var size in sizes.Order())
            {
                var seconds = await SeedAsync(arguments, files, Path.Combine(work, "store"), seeded, size, cancellationToken);
                Console.WriteLine($"store holds {size:N0} vectors (seeding took {seconds:N1} s)");
                seeded = size;
                foreach (var t in threads)
                {
                    var row = await MeasureAsync(work, size, t, arguments.Provider(), photos, files, queries, cancellationToken);
                    rows.Add(row);
                    Console.WriteLine(row.ToMarkdown());
                }
            }
            var load = $"load average {loadBefore} before the run, {LoadAverage()} after (other processes share these cores)";
            Console.WriteLine(load);
            BenchmarkReport.Write(arguments.Get("section", Name), Report(rows, stages, queries, arguments.Provider()) + $"\n{char.ToUpper(load[0])}{load[1..]}.\n");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Adds vectors until the store holds <paramref name="size"/>: first the real photos, then random unit vectors.</summary>
    private static async Task<double> SeedAsync(BenchmarkArguments arguments, List<string> files, string path, int from, int size, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var store = new EmbeddedVectorStore(new EmbeddedStoreOptions { Path = path });
        if (from == 0)
        {
            using var embedder = EmbeddingSetup.Embedder(EmbeddingSetup.Options(arguments));
            await store.EnsureCollectionAsync(new CollectionSpec("images", embedder.Model.Dimension, embedder.Model.Id), cancellationToken);
            var vectors = await embedder.EmbedFilesAsync(files, cancellationToken);
            await store.UpsertAsync("images", files.Select((f, i) => new VectorRecord(ImageIds.FromPath(f), vectors[i].Vector!, f, "photo")).ToList(), cancellationToken);
            from = files.Count;
        }
        var random = new SyntheticVectors("random", 512, seed: 11);
        for (var start = from; start < size; start += 5_000)
        {
            var records = Enumerable.Range(start, Math.Min(5_000, size - start))
                .Select(i => new VectorRecord(1_000_000_000L + i, random.Make(i), $"/bench/random/{i}.jpg", "random")).ToList();
            await store.UpsertAsync("images", records, cancellationToken);
        }
        return clock.Elapsed.TotalSeconds; // disposing saves the HNSW snapshot, which the API then loads
    }

    private static async Task<Row> MeasureAsync(string work, int size, int threads, ExecutionProvider provider, List<byte[]> photos, List<string> files, int queries, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Bus:Transport"] = "InMemory",
            ["VectorStore:Embedded:Path"] = Path.Combine(work, "store"),
            ["DeadLetters:Path"] = Path.Combine(work, "dead-letters.db"),
            ["QueryApi:UploadsPath"] = Path.Combine(work, "uploads"),
            ["QueryApi:TrackingPath"] = Path.Combine(work, "tracking.db"),
            ["Embedding:IntraOpThreads"] = threads.ToString(),
            ["Embedding:ExecutionProvider"] = provider.ToString(),
        };
        // The real API in its own process (its own build) on a loopback port, so requests cross a real socket and Kestrel;
        // a large store without a graph snapshot builds it at start, hence the long wait.
        await using var api = await WorkerProcess.StartAsync(ServiceBuild.QueryApi, settings, "Urls", work, TimeSpan.FromMinutes(5),
            cancellationToken, readyPath: "/health", portValue: port => $"http://127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = api.Address };
        var client_ms = new List<double>();
        var server = new List<SearchResponse.ServerTimings>();
        var found = 0;
        for (var i = -20; i < queries; i++) // 20 warm-up requests
        {
            var index = (i + 20) % photos.Count;
            var file = new ByteArrayContent(photos[index]);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var form = new MultipartFormDataContent { { file, "image", "query.jpg" } };
            var clock = Stopwatch.StartNew();
            using var response = await client.PostAsync("/search?k=10", form, cancellationToken);
            var body = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<SearchResponse>(cancellationToken))!;
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (i < 0)
                continue;
            client_ms.Add(elapsed);
            server.Add(body.Timings);
            found += body.Results[0].Path == files[index] ? 1 : 0;
        }
        return new Row(size, threads, new Percentiles(client_ms), new Percentiles(server.Select(s => s.EmbedMs)),
            new Percentiles(server.Select(s => s.SearchMs)), new Percentiles(client_ms.Zip(server, (c, s) => c - s.TotalMs)), (double)found / queries);
    }

    private static string Report(List<Row> rows, EmbedStages stages, int queries, ExecutionProvider provider)
    {
        var text = new StringBuilder()
            .AppendLine($"### Query API: upload-to-answer latency ({provider} provider{(provider == ExecutionProvider.Cuda ? $", {EmbeddingSetup.GpuName()}" : "")})")
            .AppendLine()
            .AppendLine($"`dotnet run -c Release --project bench/Benchmarks -- api`. The API runs in its own process (Kestrel on loopback, embedded store, ResNet18); " +
                        $"the client uploads imagenet-100 photos one at a time as multipart (`POST /search?k=10`), {queries} timed requests after 20 warm-up ones. " +
                        "The store holds the 100 photos plus random unit vectors (below 20,000 rows it searches exactly, above it uses its HNSW graph, ef 128). " +
                        "Embed and search are the server's own timings; HTTP is the client's time minus the server's (socket, multipart parsing, JSON).")
            .AppendLine()
            .AppendLine("| vectors | ORT threads | p50 ms | p99 ms | embed p50 | search p50 | HTTP p50 | top-1 is the photo |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
            text.AppendLine(row.ToMarkdown());
        text.AppendLine()
            .AppendLine("Embed stages timed alone in the benchmark process, one image at a time (p50 ms over the 100 photos, ~500×375 JPEG):")
            .AppendLine()
            .AppendLine("| stage | p50 ms |")
            .AppendLine("|---|---:|")
            .AppendLine($"| decode (sniff, limits, JPEG decode) | {stages.Decode:N2} |")
            .AppendLine($"| preprocess (crop, resize to 224², normalise) | {stages.Preprocess:N2} |");
        foreach (var (t, ms) in stages.Inference)
            text.AppendLine($"| inference, batch 1, {t} ORT thread{(t == 1 ? "" : "s")} | {ms:N2} |");
        return text.ToString();
    }

    /// <summary>The 1-minute load average: latency on two shared cores depends on it more than on anything measured here.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private sealed record Row(int Size, int Threads, Percentiles Client, Percentiles Embed, Percentiles Search, Percentiles Http, double TopOne)
    {
        public string ToMarkdown() =>
            $"| {Size:N0} | {Threads} | {Client.P50:N1} | {Client.P99:N1} | {Embed.P50:N1} | {Search.P50:N2} | {Http.P50:N1} | {TopOne:P0} |";
    }
}

/// <summary>The parts of the API's search answer that the benchmark reads (its JSON, as any client sees it).</summary>
internal sealed record SearchResponse(IReadOnlyList<SearchResponse.Result> Results, SearchResponse.ServerTimings Timings)
{
    public sealed record Result(string Path);

    public sealed record ServerTimings(double EmbedMs, double SearchMs, double TotalMs);
}
