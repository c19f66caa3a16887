using System.Globalization;
using ImageSearch.VectorStore;

namespace ImageSearch.Benchmarks.Store;

/// <summary>
/// Command-line options of the <c>store</c> benchmarks (<c>--name value</c> pairs; lists comma-separated).
/// <see cref="Rate"/>: rows per second to hold (<c>--rate</c>); 0, the default, upserts as fast as the store takes them.
/// <see cref="Reopen"/>: search settings (<c>--reopen 128,256:8</c>, ef or ef:rerank) to measure on the finished graph,
/// each by reopening the store with them (ef and rerank apply at every start; the graph is the saved one).
/// </summary>
internal sealed record BenchOptions(
    string Section, int[] Sizes, string[] Data, int Queries, int Threshold, int Batch, int Window, int CatchUpSeconds, int Rate,
    int Dimension, HnswOptions Hnsw, HnswOptions[] Reopen)
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
            arguments.Integer("rate", 0), arguments.Integer("dimension", 512),
            Hnsw(arguments.Integer("ef", defaults.EfSearch), arguments.Integer("rerank", defaults.Rerank)),
            arguments.Get("reopen", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Search).ToArray());

        HnswOptions Hnsw(int ef, int rerank) => new()
        {
            M = arguments.Integer("m", defaults.M),
            EfConstruction = arguments.Integer("ef-construction", defaults.EfConstruction),
            Dimensions = arguments.Integer("graph-dimensions", defaults.Dimensions),
            ShardRows = arguments.Integer("shard-rows", defaults.ShardRows),
            EfSearch = ef,
            Rerank = rerank,
            Quantization = Enum.Parse<HnswQuantization>(arguments.Get("quantization", defaults.Quantization.ToString()), ignoreCase: true),
        };

        HnswOptions Search(string setting) => setting.Split(':') is [var ef, var rerank]
            ? Hnsw(int.Parse(ef, CultureInfo.InvariantCulture), int.Parse(rerank, CultureInfo.InvariantCulture))
            : Hnsw(int.Parse(setting, CultureInfo.InvariantCulture), arguments.Integer("rerank", defaults.Rerank));
    }
}
