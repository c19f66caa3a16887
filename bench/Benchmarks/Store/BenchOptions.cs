using ImageSearch.VectorStore;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// Command-line options of the <c>store</c> benchmarks (<c>--name value</c> pairs; lists comma-separated).
/// <see cref="Rate"/>: rows per second to hold (<c>--rate</c>); 0, the default, upserts as fast as the store takes them.
/// </summary>
internal sealed record BenchOptions(
    string Section, int[] Sizes, string[] Data, int Queries, int Threshold, int Batch, int Window, int CatchUpSeconds, int Rate, HnswOptions Hnsw)
{
    public static BenchOptions Parse(string[] args)
    {
        var arguments = new BenchmarkArguments(args);
        var defaults = new HnswOptions();
        var data = arguments.Get("data", "structured").Split(',');
        if (data.Except(["random", "structured"]).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"--data {unknown}: use random and/or structured");
        return new BenchOptions(
            arguments.Get("section", "store"), arguments.Integers("sizes", "100000,250000,500000,1000000"), data,
            arguments.Integer("queries", 200), arguments.Integer("threshold", 20000), arguments.Integer("batch", 1000), arguments.Integer("window", 10000), arguments.Integer("catch-up", 900),
            arguments.Integer("rate", 0),
            new HnswOptions
            {
                M = arguments.Integer("m", defaults.M),
                EfConstruction = arguments.Integer("ef-construction", defaults.EfConstruction),
                EfSearch = arguments.Integer("ef", defaults.EfSearch),
                Rerank = arguments.Integer("rerank", defaults.Rerank),
                Quantization = Enum.Parse<HnswQuantization>(arguments.Get("quantization", defaults.Quantization.ToString()), ignoreCase: true),
            });
    }
}
