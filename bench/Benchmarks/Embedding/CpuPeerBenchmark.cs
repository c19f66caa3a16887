using System.Diagnostics;
using System.Globalization;
using System.Text;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Model;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>
/// The C# embedder on the CPU, float and int8, against the batched PyTorch peer, in one run: files in, unit vectors out,
/// rounds alternating (fp32, int8, peer; then the other way round) so a neighbour's load hits all three alike; medians
/// and ratios. Also inference alone at batch 32, which is what int8 changes.
/// </summary>
public sealed class CpuPeerBenchmark : IBenchmark
{
    private const int Batch = 32;

    public string Name => "cpu-peer";
    public string Description => "C# fp32 and int8 end to end vs the PyTorch CPU peer [--images 320] [--rounds 5] [--int8 JSON] [--data DIR]";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var data = arguments.DataFolder();
        var all = Directory.EnumerateFiles(Path.Combine(data, "imagenet-1k-samples"), "*.JPEG").Order(StringComparer.Ordinal).ToList();
        var files = all.Take(arguments.Integer("images", 320)).ToList();
        var rounds = arguments.Integer("rounds", 5);
        var options = EmbeddingSetup.Options(arguments, Batch);
        var fp32 = ModelDescriptor.Load(options.Value.ResolveModelPath());
        var int8 = ModelDescriptor.Load(Int8Model.DescriptorPath(arguments, fp32, data));
        var missingPeer = TorchPeer.Missing();
        var loadBefore = LoadAverage();

        using var floatEmbedder = EmbeddingSetup.Embedder(options, fp32);
        using var int8Embedder = EmbeddingSetup.Embedder(options, int8);
        var runs = new Dictionary<string, List<double>> { ["C# fp32"] = [], ["C# int8"] = [], ["PyTorch"] = [] };
        var inference = new Dictionary<string, List<double>> { ["C# fp32"] = [], ["C# int8"] = [] };
        var tensor = new float[Batch * 3 * fp32.Height * fp32.Width];
        for (var i = 0; i < tensor.Length; i++)
            tensor[i] = (i * 37 % 255) - 120f;
        var output = new float[Batch * floatEmbedder.Extractor.FeatureLength];
        foreach (var embedder in new[] { floatEmbedder, int8Embedder })
            await embedder.EmbedFilesAsync(files.Take(Batch).ToList(), cancellationToken); // warm-up, as the workers do at start

        for (var round = 0; round < rounds; round++)
        {
            var order = round % 2 == 0 ? new[] { "C# fp32", "C# int8", "PyTorch" } : ["PyTorch", "C# int8", "C# fp32"];
            foreach (var who in order)
            {
                if (who == "PyTorch")
                {
                    if (missingPeer is null)
                        runs[who].Add(TorchPeer.Run(files, Batch));
                    continue;
                }
                var embedder = who == "C# fp32" ? floatEmbedder : int8Embedder;
                var clock = Stopwatch.StartNew();
                var results = await embedder.EmbedFilesAsync(files, cancellationToken);
                runs[who].Add(results.Count(r => r.Vector is not null) / clock.Elapsed.TotalSeconds);
                clock.Restart();
                embedder.Extractor.Run(tensor, output, Batch);
                inference[who].Add(Batch / clock.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"round {round + 1}/{rounds}: " + string.Join(", ", runs.Where(r => r.Value.Count > 0).Select(r => $"{r.Key} {r.Value[^1]:F1} img/s")));
        }

        var markdown = Report(files.Count, rounds, runs, inference, missingPeer)
            + $"\nLoad average (1 min) of the machine: {loadBefore} before the rounds, {LoadAverage()} after; other jobs share it, so compare the ratios of one run, not absolute numbers across runs.\n";
        Console.WriteLine(markdown);
        BenchmarkReport.Write(Name, markdown);
        return 0;
    }

    private static string Report(int images, int rounds, Dictionary<string, List<double>> runs, Dictionary<string, List<double>> inference, string? missingPeer)
    {
        var ends = runs.Where(r => r.Value.Count > 0).ToDictionary(r => r.Key, r => Median(r.Value));
        var models = inference.ToDictionary(r => r.Key, r => Median(r.Value));
        var text = new StringBuilder();
        text.AppendLine($"### CPU end to end: C# fp32 and int8 vs the PyTorch peer ({images} imagenet-1k-samples files, batch {Batch}, median of {rounds} alternating rounds)");
        text.AppendLine();
        text.AppendLine("| pipeline | end to end (img/s) | inference only, batch 32 (img/s) | end to end vs PyTorch |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var (who, speed) in ends)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {who} | {speed:F1} | {(models.TryGetValue(who, out var m) ? m.ToString("F1", CultureInfo.InvariantCulture) : "–")} | {(ends.TryGetValue("PyTorch", out var peer) ? $"{speed / peer:F2}×" : "–")} |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"int8 over fp32: **{ends["C# int8"] / ends["C# fp32"]:F2}×** end to end, **{models["C# int8"] / models["C# fp32"]:F2}×** inference.");
        if (ends.TryGetValue("PyTorch", out var torch))
            text.AppendLine(CultureInfo.InvariantCulture, $"C# int8 over the PyTorch peer: **{ends["C# int8"] / torch:F2}×**; C# fp32 over it: {ends["C# fp32"] / torch:F2}×.");
        else
            text.AppendLine($"PyTorch peer not run: {missingPeer}.");
        text.AppendLine();
        text.AppendLine("The peer (bench/peers/torch_cpu_peer.py) is torchvision's ResNet18 with random weights, PIL decode, resize 256 and centre crop 224, a DataLoader with one worker per core and batches of 32; the C# side is `ImageEmbedder.EmbedFilesAsync` (OpenCV decode with reduced JPEG decoding, ONNX Runtime). The int8 model is `ingestor quantize` on the 100 imagenet-100 photos.");
        text.AppendLine();
        text.AppendLine(SvgChart.Bars("cpu-peer.svg", "CPU images per second (higher is better)", "images/s", ["end to end", "inference only"],
            ends.Keys.Select(who => (who, (IReadOnlyList<double>)[ends[who], models.GetValueOrDefault(who)])).ToList()));
        return text.ToString();
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
