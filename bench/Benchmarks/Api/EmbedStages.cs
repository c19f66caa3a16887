using System.Diagnostics;
using ImageSearch.Benchmarks.Embedding;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Model;

namespace ImageSearch.Benchmarks.Api;

/// <summary>Decode, preprocess and batch-1 inference of the same photos, each alone, in this process (the server is idle then).</summary>
internal sealed record EmbedStages(double Decode, double Preprocess, IReadOnlyList<(int Threads, double Ms)> Inference)
{
    // Each stage runs over the photos twice; the first pass warms up.
    private const int Passes = 2;

    public static EmbedStages Measure(BenchmarkArguments arguments, List<byte[]> photos, int[] threads)
    {
        // Decoding and preprocessing do not use ONNX Runtime's threads: timed once, their tensors reused for every thread count.
        var options = EmbeddingSetup.Options(arguments, maxBatchSize: 1);
        var decoder = new ImageDecoder(options);
        using var preprocessor = new ImagePreprocessor(ModelDescriptor.Load(options.Value.ResolveModelPath()));
        var inputs = photos.Select(_ => new float[preprocessor.TensorLength]).ToArray();
        var (decode, preprocess) = (new List<double>(), new List<double>());
        for (var pass = 0; pass < Passes; pass++)
            for (var i = 0; i < photos.Count; i++)
            {
                var clock = Stopwatch.StartNew();
                using var image = decoder.Decode(photos[i], preprocessor.MinimumSourceSide);
                var decoded = clock.Elapsed.TotalMilliseconds;
                preprocessor.Write(image, inputs[i]);
                if (pass < Passes - 1)
                    continue;
                decode.Add(decoded);
                preprocess.Add(clock.Elapsed.TotalMilliseconds - decoded);
            }
        var stages = new EmbedStages(new Percentiles(decode).P50, new Percentiles(preprocess).P50, []);
        Console.WriteLine($"decode {stages.Decode:N2} ms, preprocess {stages.Preprocess:N2} ms (p50)");

        var inference = new List<(int, double)>();
        foreach (var t in threads)
        {
            options.Value.IntraOpThreads = t;
            using var embedder = EmbeddingSetup.Embedder(options);
            var output = new float[embedder.Extractor.FeatureLength];
            var run = new List<double>();
            for (var pass = 0; pass < Passes; pass++)
                foreach (var input in inputs)
                {
                    var clock = Stopwatch.StartNew();
                    embedder.Extractor.Run(input, output, 1);
                    if (pass == Passes - 1)
                        run.Add(clock.Elapsed.TotalMilliseconds);
                }
            inference.Add((t, new Percentiles(run).P50));
            Console.WriteLine($"ORT threads {t}: inference {inference[^1].Item2:N2} ms (p50)");
        }
        return stages with { Inference = inference };
    }
}
