using System.Diagnostics;
using ImageSearch.Benchmarks.Embedding;
using ImageSearch.Embedder.Imaging;

namespace ImageSearch.Benchmarks.Api;

/// <summary>Decode, preprocess and batch-1 inference of the same photos, each alone, in this process (the server is idle then).</summary>
internal sealed record EmbedStages(double Decode, double Preprocess, IReadOnlyList<(int Threads, double Ms)> Inference)
{
    public static EmbedStages Measure(BenchmarkArguments arguments, List<byte[]> photos, int[] threads)
    {
        var inference = new List<(int, double)>();
        double decode = 0, preprocess = 0;
        foreach (var t in threads)
        {
            var options = EmbeddingSetup.Options(arguments, maxBatchSize: 1);
            options.Value.IntraOpThreads = t;
            using var embedder = EmbeddingSetup.Embedder(options);
            var decoder = new ImageDecoder(options);
            using var preprocessor = new ImagePreprocessor(embedder.Descriptor);
            var input = new float[preprocessor.TensorLength];
            var output = new float[embedder.Extractor.FeatureLength];
            var (d, p, r) = (new List<double>(), new List<double>(), new List<double>());
            foreach (var (bytes, i) in photos.Concat(photos).Select((b, i) => (b, i)))
            {
                var clock = Stopwatch.StartNew();
                using var image = decoder.Decode(bytes, preprocessor.MinimumSourceSide);
                var decoded = clock.Elapsed.TotalMilliseconds;
                preprocessor.Write(image, input);
                var prepared = clock.Elapsed.TotalMilliseconds;
                embedder.Extractor.Run(input, output, 1);
                if (i < photos.Count)
                    continue; // first pass warms up
                d.Add(decoded);
                p.Add(prepared - decoded);
                r.Add(clock.Elapsed.TotalMilliseconds - prepared);
            }
            (decode, preprocess) = (new Percentiles(d).P50, new Percentiles(p).P50);
            inference.Add((t, new Percentiles(r).P50));
            Console.WriteLine($"ORT threads {t}: decode {decode:N2} ms, preprocess {preprocess:N2} ms, inference {inference[^1].Item2:N2} ms (p50)");
        }
        return new EmbedStages(decode, preprocess, inference);
    }
}
