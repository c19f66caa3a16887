using System.Globalization;
using System.Text;
using ImageSearch.Evaluation.Configurations;
using ImageSearch.Evaluation.NearDuplicates;
using ImageSearch.Evaluation.Protocols;
using ImageSearch.Evaluation.Reports;
using ImageSearch.Evaluation.Running;
using Microsoft.Extensions.Configuration;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>
/// Descriptor kinds side by side on both protocols in one pass per kind (the near-duplicate gallery is the class
/// protocol's photos, so each file is embedded once): the class protocol, and edited copies of 223 of the shared photos
/// searched among all 1,100. img/s is end to end (read, decode, model, pooling).
/// </summary>
public sealed class DescriptorBenchmark : IBenchmark
{
    private const string Ms = "1,0.707,1.414";
    private const int Originals = 223;

    /// <summary>Named descriptor configurations: kind, then <c>-flip</c> and <c>-ms</c> (scales 1, 0.707, 1.414).</summary>
    private static readonly string[] Known = ["gap", "gem3", "rmac", "gap-flip", "gem3-flip", "rmac-flip", "gem3-ms", "rmac-ms", "gem3-ms-flip", "rmac-ms-flip"];

    public string Name => "descriptors";
    public string Description => $"descriptor kinds on the class and near-duplicate protocols [--configs {string.Join(',', Known)}] [--copies 450] [--seed 42] [--section descriptors] [--data DIR]";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var data = arguments.DataFolder();
        var configurations = arguments.Get("configs", string.Join(',', Known)).Split(',').Select(Configuration).ToList();
        var copies = arguments.Integer("copies", 450);
        var seed = arguments.Integer("seed", 42);
        var section = arguments.Get("section", Name); // a second run of other kinds can keep the first one's section

        var classSet = ClassProtocol.Load(data);
        // The eval benchmark's near-duplicate protocol: the 100 imagenet-100 photos and a seeded choice of imagenet-1k-samples
        // (223 in all) are the originals, searched among all 1,100 shared photos.
        var samples = classSet.Gallery.Select(g => g.Path).ToArray();
        new Random(seed).Shuffle(samples);
        var originals = classSet.Queries.Select(q => q.Path).Concat(samples.Take(Originals - classSet.Queries.Count)).ToList();
        var folder = Path.Combine(Path.GetTempPath(), $"descriptor-benchmark-{Originals}-{seed}-{copies}");
        var edited = NearDuplicateGenerator.Generate(originals, folder, copies, seed, cancellationToken: cancellationToken);
        var nearDuplicates = NearDuplicateProtocol.Create(originals, samples.Except(originals).Order(StringComparer.Ordinal).ToList(), edited);

        var settings = new ConfigurationBuilder().AddInMemoryCollection().Build();
        var evaluator = new Evaluator(settings, EmbeddingSetup.Logging);
        var rows = new List<EvaluationRow>();
        // One kind at a time, the report rewritten after each: a long run stopped early keeps what it measured.
        foreach (var configuration in configurations)
        {
            rows.AddRange(await evaluator.RunAsync([configuration], [classSet, nearDuplicates], 10, cancellationToken));
            BenchmarkReport.Write(section, Report(rows, configurations.TakeWhile(c => c != configuration).Append(configuration).ToList(), classSet.Name, nearDuplicates.Name, copies, seed));
        }
        return 0;
    }

    private static string Report(List<EvaluationRow> rows, List<EvaluationConfiguration> configurations, string classProtocol, string nearDuplicateProtocol, int copies, int seed)
    {
        var text = new StringBuilder();
        text.AppendLine($"### Descriptor kinds: class protocol and {copies} near-duplicate copies (seed {seed}) of {Originals} photos among 1,100");
        text.AppendLine();
        text.AppendLine("| configuration | model id | class recall@1 | class mHR@10 | class mAP@10 | near-dup recall@1 | near-dup recall@10 | img/s |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var configuration in configurations)
        {
            var all = rows.Where(r => r.Configuration == configuration.Name && r.Group == SetScorer.All).ToList();
            var (c, n) = (all.Single(r => r.Protocol == classProtocol), all.Single(r => r.Protocol == nearDuplicateProtocol));
            var line = string.Create(CultureInfo.InvariantCulture,
                $"| {configuration.Name} | {c.ModelId} | {c.Metrics.RecallAt1:F3} | {c.Metrics.HitRatio:F3} | {c.Metrics.MeanAveragePrecision:F3} | {n.Metrics.RecallAt1:F3} | {n.Metrics.HitRatio:F3} | {c.ImagesPerSecond:F1} |");
            text.AppendLine(line);
        }
        Console.WriteLine(text);
        text.AppendLine();
        text.AppendLine(MarkdownReport.Write(rows.Where(r => r.Protocol == nearDuplicateProtocol).ToList()));
        text.AppendLine($"`dotnet run -c Release --project bench/Benchmarks -- descriptors --configs {string.Join(',', configurations.Select(c => c.Name))}`; img/s counts every file of both protocols (1,100 photos and the copies), read and decoded included.");
        return text.ToString();
    }

    /// <summary><c>gem3-ms-flip</c> → Embedding:Descriptor overrides: the kind (gap, gem + p, rmac), then the options.</summary>
    private static EvaluationConfiguration Configuration(string name)
    {
        var parts = name.Split('-');
        var overrides = new List<KeyValuePair<string, string>>();
        overrides.Add(parts[0] switch
        {
            "gap" => KeyValuePair.Create("Embedding:Descriptor:Kind", "Gap"),
            "rmac" => KeyValuePair.Create("Embedding:Descriptor:Kind", "Rmac"),
            var gem when gem.StartsWith("gem", StringComparison.Ordinal) => KeyValuePair.Create("Embedding:Descriptor:Kind", "Gem"),
            var other => throw new ArgumentException($"unknown descriptor '{other}' in '{name}' (gap, gemP, rmac)"),
        });
        if (parts[0].StartsWith("gem", StringComparison.Ordinal))
            overrides.Add(KeyValuePair.Create("Embedding:Descriptor:GemP", parts[0][3..]));
        foreach (var option in parts[1..])
        {
            if (option == "flip")
                overrides.Add(KeyValuePair.Create("Embedding:Descriptor:Flip", "true"));
            else if (option == "ms")
                overrides.AddRange(Ms.Split(',').Select((s, i) => KeyValuePair.Create($"Embedding:Descriptor:Scales:{i}", s)));
            else
                throw new ArgumentException($"unknown option '{option}' in '{name}' (flip, ms)");
        }
        return new EvaluationConfiguration(name, overrides);
    }
}
