using System.Globalization;
using ImageSearch.VectorStore;

namespace ImageSearch.Benchmarks.Store;

/// <summary>Command-line options of the <c>store</c> benchmark (<c>--name value</c> pairs; lists comma-separated).</summary>
internal sealed record BenchOptions(
    string Section, int[] Sizes, string[] Data, int[] Ef, int Queries, int Threshold, int Batch, int RebuildUpTo, HnswOptions Hnsw)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
            values[args[i].TrimStart('-')] = args[i + 1];
        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        int[] Ints(string name, string fallback) => Get(name, fallback).Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var defaults = new HnswOptions();
        var data = Get("data", "random,structured").Split(',');
        if (data.Except(["random", "structured"]).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"--data {unknown}: use random and/or structured");
        return new BenchOptions(
            Get("section", "store"), Ints("sizes", "10000,100000,1000000"), data, Ints("ef", "64,128,192,256,384"),
            Ints("queries", "200")[0], Ints("threshold", "20000")[0], Ints("batch", "1000")[0], Ints("rebuild-up-to", "100000")[0],
            new HnswOptions
            {
                M = Ints("m", defaults.M.ToString(CultureInfo.InvariantCulture))[0],
                EfConstruction = Ints("ef-construction", defaults.EfConstruction.ToString(CultureInfo.InvariantCulture))[0],
                EfSearch = defaults.EfSearch,
                Rerank = Ints("rerank", defaults.Rerank.ToString(CultureInfo.InvariantCulture))[0],
                Quantization = Enum.Parse<HnswQuantization>(Get("quantization", defaults.Quantization.ToString()), ignoreCase: true),
            });
    }
}
