using System.Text;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Model;
using OpenCvSharp;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>
/// The class-retrieval protocol of the shared data: 100 imagenet-100 queries against a gallery of the 1,000
/// imagenet-1k-samples (one per class); the one relevant gallery image shares the query's WordNet id. Exact search.
/// </summary>
public sealed class RetrievalBenchmark : IBenchmark
{
    private const int K = 10;

    public string Name => "retrieval";
    public string Description => "recall@1, mHR@10, mAP@10 of the class-retrieval protocol [--resize both|crop|stretch] [--object-crop both|off|on] [--model JSON] [--provider cpu|cuda] [--data DIR]";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var data = arguments.DataFolder();
        var gallery = Directory.EnumerateFiles(Path.Combine(data, "imagenet-1k-samples"), "*.JPEG").Order(StringComparer.Ordinal).ToList();
        var queries = Directory.EnumerateFiles(Path.Combine(data, "imagenet-100", "test"), "*.JPEG", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var galleryLabels = gallery.Select(Wnid).ToArray();
        var options = EmbeddingSetup.Options(arguments);
        var configured = ModelDescriptor.Load(options.Value.ResolveModelPath());
        var modes = arguments.Get("resize", "both") switch
        {
            "both" => new[] { ResizeMode.ShorterSideCenterCrop, ResizeMode.Stretch },
            "crop" => [ResizeMode.ShorterSideCenterCrop],
            "stretch" => [ResizeMode.Stretch],
            var other => throw new ArgumentException($"--resize must be both, crop or stretch, not '{other}'"),
        };
        var objectCrops = arguments.Get("object-crop", "both") switch
        {
            "both" => new[] { false, true },
            "off" => [false],
            "on" => [true],
            var other => throw new ArgumentException($"--object-crop must be both, off or on, not '{other}'"),
        };

        var text = new StringBuilder();
        text.AppendLine($"### Class retrieval: {queries.Count} imagenet-100 queries, {gallery.Count} imagenet-1k-samples gallery (exact search)");
        text.AppendLine();
        text.AppendLine("| model | resize | recall@1 | mHR@10 | mAP@10 |");
        text.AppendLine("|---|---|---:|---:|---:|");
        foreach (var mode in modes)
        foreach (var objectCrop in objectCrops)
        {
            options.Value.ObjectCrop.Enabled = objectCrop;
            using var embedder = EmbeddingSetup.Embedder(options, configured with { Resize = mode });
            var galleryVectors = await Vectors(embedder, gallery, cancellationToken);
            var queryVectors = await Vectors(embedder, queries, cancellationToken);
            var ranks = queries.Select((q, i) => RankOfRelevant(queryVectors[i], Wnid(q), galleryVectors, galleryLabels)).ToList();
            var recall1 = ranks.Average(r => r == 1 ? 1.0 : 0);
            var hitRatio = ranks.Average(r => r <= K ? 1.0 : 0);
            // One relevant item per query: AP@10 is 1/rank when it is in the top 10, else 0.
            var map = ranks.Average(r => r <= K ? 1.0 / r : 0);
            var line = $"| {embedder.Model.Id} | {mode} | {recall1:F3} | {hitRatio:F3} | {map:F3} |";
            Console.WriteLine(line);
            text.AppendLine(line);
        }
        if (objectCrops.Contains(true))
        {
            var finder = new LargestObjectFinder(options.Value.ObjectCrop);
            var cropped = gallery.Concat(queries).Count(file =>
            {
                using var image = Cv2.ImRead(file, ImreadModes.Color);
                return finder.Find(image).Size != image.Size();
            });
            text.AppendLine();
            text.AppendLine($"The object crop (`+crop`) found a plain backdrop and cropped {cropped} of the {gallery.Count + queries.Count} photos; the others were embedded whole.");
        }
        text.AppendLine();
        text.AppendLine("`dotnet run -c Release --project bench/Benchmarks -- retrieval`. mHR@10 is the share of queries whose class photo is in the top 10; mAP@10 with one relevant image is the mean of 1/rank within the top 10.");
        BenchmarkReport.Write("retrieval", text.ToString());
        return 0;
    }

    /// <summary>WordNet id: the file name up to the first underscore (<c>n01440764_tench.JPEG</c>, <c>n01440764_123.JPEG</c>).</summary>
    internal static string Wnid(string path) => Path.GetFileName(path).Split('_')[0];

    private static async Task<float[][]> Vectors(ImageEmbedder embedder, List<string> files, CancellationToken cancellationToken)
    {
        var results = await embedder.EmbedFilesAsync(files, cancellationToken);
        var failed = results.Select((r, i) => (r, i)).Where(x => !x.r.Succeeded).ToList();
        if (failed.Count > 0)
            throw new InvalidOperationException($"{failed.Count} images failed, e.g. {files[failed[0].i]}: {failed[0].r.Error}");
        return results.Select(r => r.Vector!).ToArray();
    }

    /// <summary>1-based rank of the gallery image with the query's label, by descending cosine similarity.</summary>
    internal static int RankOfRelevant(float[] query, string label, float[][] gallery, string[] labels)
    {
        var scores = gallery.Select(g => Dot(query, g)).ToArray();
        var relevant = Array.IndexOf(labels, label);
        if (relevant < 0)
            throw new InvalidOperationException($"no gallery image for class {label}");
        return 1 + scores.Count(s => s > scores[relevant]);
    }

    private static float Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
