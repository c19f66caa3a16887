using System.Text;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using OpenCvSharp;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>
/// Images per second of each embedding stage over imagenet-100: decode (full and reduced), preprocess, inference at
/// several batch sizes, and files to vectors end to end.
/// </summary>
public sealed class EmbedBenchmark : IBenchmark
{
    public string Name => "embed";
    public string Description => "img/s of decode, preprocess, inference and end to end [--provider cpu|cuda] [--batches 1,8,32] [--data DIR] [--seconds 3]";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var batches = arguments.Integers("batches", "1,8,32");
        Throughput.MinimumTime = TimeSpan.FromSeconds(double.Parse(arguments.Get("seconds", "3")));
        var files = Directory.EnumerateFiles(Path.Combine(arguments.DataFolder(), "imagenet-100", "test"), "*.JPEG", SearchOption.AllDirectories).Order().ToList();
        var options = EmbeddingSetup.Options(arguments, maxBatchSize: batches.Max());
        using var embedder = EmbeddingSetup.Embedder(options);
        var decoder = new ImageDecoder(options);
        var threads = Environment.ProcessorCount;
        var rows = new List<(string Stage, string Input, string Threads, double ImagesPerSecond)>();
        void Row(string stage, string input, string threadCount, double rate)
        {
            rows.Add((stage, input, threadCount, rate));
            Console.WriteLine($"{stage,-28} {input,-52} {threadCount,-8} {rate,10:N1} img/s");
        }

        // Decode from memory, so disk speed is not measured. Camera-sized copies (4× upscaled, re-encoded) show what
        // reduced decoding saves on real uploads; imagenet-100's ~500×375 photos are mostly too small to reduce.
        using var preprocessor = new ImagePreprocessor(embedder.Descriptor);
        var photos = files.Select(File.ReadAllBytes).ToList();
        var large = photos.Select(Upscale4).ToList();
        var minimumSide = preprocessor.MinimumSourceSide;
        var reducible = photos.Count(p => decoder.ChooseMode(ImageHeaderReader.Read(p), minimumSide) != ImreadModes.Color);
        var rates = new Dictionary<string, double>();
        foreach (var (set, name) in new[] { (photos, "imagenet-100 (~500×375)"), (large, "imagenet-100 4× upscaled (~2000×1500)") })
            foreach (var (side, mode) in new[] { (0, "full"), (minimumSide, "reduced") })
                foreach (var t in new[] { 1, threads }.Distinct())
                {
                    var rate = Throughput.Measure(() => Throughput.ForEach(set, t, bytes => decoder.Decode(bytes, side).Dispose()));
                    rates[$"{name}|{mode}|{t}"] = rate;
                    Row($"decode JPEG, {mode}", name, t.ToString(), rate);
                }

        // Preprocess (resize to the input size with centre crop, normalise); a reduced decode also leaves less to resize.
        var decoded = photos.Select(p => decoder.Decode(p)).ToList();
        using var tensor = new ThreadLocal<float[]>(() => new float[preprocessor.TensorLength]);
        foreach (var t in new[] { 1, threads }.Distinct())
            Row("preprocess", "imagenet-100 decoded at full size", t.ToString(),
                Throughput.Measure(() => Throughput.ForEach(decoded, t, image => preprocessor.Write(image, tensor.Value))));
        var megapixels = new Dictionary<string, double>();
        foreach (var (side, mode) in new[] { (0, "full"), (minimumSide, "reduced") })
        {
            var images = large.Select(p => decoder.Decode(p, side)).ToList();
            megapixels[mode] = images.Average(i => i.Total()) / 1e6;
            Row("preprocess", $"4× upscaled, decoded {mode} ({megapixels[mode]:N2} MP)", "1",
                Throughput.Measure(() => Throughput.ForEach(images, 1, image => preprocessor.Write(image, tensor.Value))));
            images.ForEach(i => i.Dispose());
        }

        // Inference alone, on real preprocessed photos.
        var extractor = embedder.Extractor;
        var input = new float[batches.Max() * preprocessor.TensorLength];
        for (var i = 0; i < batches.Max(); i++)
            preprocessor.Write(decoded[i % decoded.Count], input.AsSpan(i * preprocessor.TensorLength, preprocessor.TensorLength));
        var output = new float[batches.Max() * extractor.FeatureLength];
        foreach (var batch in batches)
            Row($"inference, batch {batch}", $"{embedder.Model.Id} on {embedder.Model.ExecutionProvider}", "ORT",
                Throughput.Measure(() => { extractor.Run(input, output, batch); return batch; }));

        // Files to vectors: read, sniff, decode, preprocess, infer, normalise — the pipeline consumer's path.
        var paths = Enumerable.Range(0, Math.Max(files.Count, 4 * batches.Max())).Select(i => files[i % files.Count]).ToList();
        Row($"end to end, batch {batches.Max()}", $"{paths.Count} JPEG files → vectors", $"{options.Value.DecodeParallelism}+ORT",
            await Throughput.MeasureAsync(async () => (await embedder.EmbedFilesAsync(paths, cancellationToken)).Count(r => r.Succeeded)));

        foreach (var image in decoded) image.Dispose();
        // Named after the provider that actually ran, so a CUDA run that fell back to the CPU never poses as GPU numbers.
        BenchmarkReport.Write($"embed-{embedder.Model.ExecutionProvider.ToString().ToLowerInvariant()}", Report(embedder, rows, rates, megapixels, reducible, photos.Count, threads));
        return 0;
    }

    private static byte[] Upscale4(byte[] jpeg)
    {
        using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var large = new Mat();
        Cv2.Resize(image, large, new Size(image.Width * 4, image.Height * 4), interpolation: InterpolationFlags.Cubic);
        Cv2.ImEncode(".jpg", large, out var bytes, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        return bytes;
    }

    private static string Report(ImageEmbedder embedder, List<(string Stage, string Input, string Threads, double Rate)> rows,
        Dictionary<string, double> rates, Dictionary<string, double> megapixels, int reducible, int count, int threads)
    {
        var text = new StringBuilder();
        var gpu = EmbeddingSetup.GpuName();
        text.AppendLine($"### Embedding throughput, {embedder.Model.ExecutionProvider} provider{(gpu is null ? "" : $" ({gpu})")}");
        text.AppendLine();
        text.AppendLine($"Model `{embedder.Model.Id}` ({embedder.Model.Dimension}-d), `dotnet run -c Release --project bench/Benchmarks -- embed`. Decode and preprocess read from memory; end to end reads the files.");
        text.AppendLine();
        text.AppendLine("| stage | input | threads | img/s |");
        text.AppendLine("|---|---|---|---:|");
        foreach (var (stage, input, t, rate) in rows)
            text.AppendLine($"| {stage} | {input} | {t} | {rate:N1} |");
        text.AppendLine();
        var large = "imagenet-100 4× upscaled (~2000×1500)";
        text.AppendLine($"Reduced decoding (JPEG DCT scaling, chosen so the shorter side stays ≥ {embedder.Descriptor.Width} px) applies to {reducible} of the {count} imagenet-100 photos as they are; " +
            $"on camera-sized photos it decodes {rates[$"{large}|reduced|1"] / rates[$"{large}|full|1"]:N1}× faster on one thread " +
            $"and {rates[$"{large}|reduced|{threads}"] / rates[$"{large}|full|{threads}"]:N1}× on {threads}, " +
            $"and leaves {megapixels["reduced"]:N2} instead of {megapixels["full"]:N2} megapixels per image ({megapixels["full"] * 3:N1} MB → {megapixels["reduced"] * 3:N1} MB of BGR) to hold and resize.");
        return text.ToString();
    }
}
