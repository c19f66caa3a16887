using ImageSearch.VectorStore;

namespace ImageSearch.Benchmarks.Store;

/// <summary>Command-line options of the <c>store</c> benchmark (<c>--name value</c> pairs; lists comma-separated).</summary>
internal sealed record BenchOptions(
    string Section, int[] Sizes, string[] Data, int[] Ef, int Queries, int Threshold, int Batch, int RebuildUpTo, HnswOptions Hnsw)
{
    public static BenchOptions Parse(string[] args)
    {
        var arguments = new BenchmarkArguments(args);
        var defaults = new HnswOptions();
        var data = arguments.Get("data", "random,structured").Split(',');
        if (data.Except(["random", "structured"]).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"--data {unknown}: use random and/or structured");
        return new BenchOptions(
            arguments.Get("section", "store"), arguments.Integers("sizes", "10000,100000,1000000"), data, arguments.Integers("ef", "64,128,192,256,384"),
            arguments.Integer("queries", 200), arguments.Integer("threshold", 20000), arguments.Integer("batch", 1000), arguments.Integer("rebuild-up-to", 100000),
            new HnswOptions
            {
                M = arguments.Integer("m", defaults.M),
                EfConstruction = arguments.Integer("ef-construction", defaults.EfConstruction),
                EfSearch = defaults.EfSearch,
                Rerank = arguments.Integer("rerank", defaults.Rerank),
                Quantization = Enum.Parse<HnswQuantization>(arguments.Get("quantization", defaults.Quantization.ToString()), ignoreCase: true),
            });
    }
}
