using System.Text;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Model;
using ImageSearch.Evaluation.Protocols;
using ImageSearch.Evaluation.Running;
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
        var set = ClassProtocol.Load(data);
        var files = set.Files.ToList();
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
        text.AppendLine($"### Class retrieval: {set.Queries.Count} imagenet-100 queries, {set.Gallery.Count} imagenet-1k-samples gallery (exact search)");
        text.AppendLine();
        text.AppendLine("| model | resize | recall@1 | mHR@10 | mAP@10 |");
        text.AppendLine("|---|---|---:|---:|---:|");
        foreach (var mode in modes)
        foreach (var objectCrop in objectCrops)
        {
            options.Value.ObjectCrop.Enabled = objectCrop;
            using var embedder = EmbeddingSetup.Embedder(options, configured with { Resize = mode });
            var metrics = SetScorer.Score(set, await Vectors(embedder, files, cancellationToken), K)[0].Metrics;
            var line = $"| {embedder.Model.Id} | {mode} | {metrics.RecallAt1:F3} | {metrics.HitRatio:F3} | {metrics.MeanAveragePrecision:F3} |";
            Console.WriteLine(line);
            text.AppendLine(line);
        }
        if (objectCrops.Contains(true))
        {
            var finder = new LargestObjectFinder(options.Value.ObjectCrop);
            var cropped = files.Count(file =>
            {
                using var image = Cv2.ImRead(file, ImreadModes.Color);
                return finder.Find(image).Size != image.Size();
            });
            text.AppendLine();
            text.AppendLine($"The object crop (`+crop`) found a plain backdrop and cropped {cropped} of the {files.Count} photos; the others were embedded whole.");
        }
        text.AppendLine();
        text.AppendLine("`dotnet run -c Release --project bench/Benchmarks -- retrieval`. mHR@10 is the share of queries whose class photo is in the top 10; mAP@10 with one relevant image is the mean of 1/rank within the top 10 (metrics: src/Evaluation, docs/evaluation.md; `eval` compares configurations).");
        BenchmarkReport.Write("retrieval", text.ToString());
        return 0;
    }

    private static async Task<Dictionary<string, float[]>> Vectors(ImageEmbedder embedder, List<string> files, CancellationToken cancellationToken)
    {
        var results = await embedder.EmbedFilesAsync(files, cancellationToken);
        var failed = results.Select((r, i) => (r, i)).Where(x => !x.r.Succeeded).ToList();
        if (failed.Count > 0)
            throw new InvalidOperationException($"{failed.Count} images failed, e.g. {files[failed[0].i]}: {failed[0].r.Error}");
        return files.Select((file, i) => (file, results[i].Vector!)).ToDictionary(x => x.file, x => x.Item2, StringComparer.Ordinal);
    }
}
