using System.Text;
using ImageSearch.Benchmarks.Embedding;
using ImageSearch.Embedding.Model;
using ImageSearch.Evaluation.Configurations;
using ImageSearch.Evaluation.NearDuplicates;
using ImageSearch.Evaluation.Protocols;
using ImageSearch.Evaluation.Reports;
using ImageSearch.Evaluation.Running;
using ImageSearch.TestSupport;
using Microsoft.Extensions.Configuration;

namespace ImageSearch.Benchmarks.Evaluation;

/// <summary>
/// The standard matrix (<see cref="StandardConfigurations.Matrix"/>: descriptor kinds × {fp32, int8} × {512, 256, 128}) on
/// the class protocol and on near-duplicates of the shared photos: all 100 imagenet-100 photos plus a seeded choice of
/// imagenet-1k-samples are the originals, searched once among themselves and once among all 1,100 shared photos (the
/// rest as distractors).
/// </summary>
public sealed class EvalBenchmark : IBenchmark
{
    public string Name => "eval";
    public string Description => "the eval tables: descriptor kinds × {fp32, int8} × {512, 256, 128} on {class, near-duplicates} [--originals 223] [--copies 450] [--seed 42] [--k 10] [--int8 JSON|none] [--provider cpu|cuda] [--data DIR]";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var arguments = new BenchmarkArguments(args);
        var data = arguments.DataFolder();
        var (originalCount, copies, seed, k) = (arguments.Integer("originals", 223), arguments.Integer("copies", 450), arguments.Integer("seed", 42), arguments.Integer("k", 10));
        var classSet = ClassProtocol.Load(data);
        var queries = classSet.Queries.Select(q => q.Path).ToList();
        var samples = classSet.Gallery.Select(g => g.Path).ToArray();
        new Random(seed).Shuffle(samples);
        var originals = queries.Concat(samples.Take(Math.Max(0, originalCount - queries.Count))).ToList();
        var distractors = samples.Except(originals).Order(StringComparer.Ordinal).ToList();

        using var edits = new TempFolder();
        var generated = NearDuplicateGenerator.Generate(originals, edits.Path, copies, seed, cancellationToken: cancellationToken);
        var nearDuplicates = NearDuplicateProtocol.Create(originals, [], generated);
        var withDistractors = NearDuplicateProtocol.Create(originals, distractors, generated, $"{NearDuplicateProtocol.Name}+{distractors.Count}");
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Embedding:ExecutionProvider"] = arguments.Provider().ToString(),
            ["Embedding:DeviceId"] = arguments.Get("device", "0"),
            ["Embedding:Model"] = arguments.Get("model", ""),
        }).Build();
        var fp32 = ModelDescriptor.Load(EmbeddingSetup.Options(arguments).Value.ResolveModelPath());
        var configurations = StandardConfigurations.Matrix(arguments.Get("int8", "") == "none" ? null : Int8Model.DescriptorPath(arguments, fp32, data));

        var rows = await new Evaluator(settings, EmbeddingSetup.Logging).RunAsync(configurations, [classSet, nearDuplicates, withDistractors], k, cancellationToken);

        var text = new StringBuilder();
        text.AppendLine($"### Search quality: {configurations.Count} configurations on the class and near-duplicate protocols (exact search)");
        text.AppendLine();
        text.AppendLine($"Class: {classSet.Queries.Count} imagenet-100 queries, {classSet.Gallery.Count} imagenet-1k-samples gallery, one relevant image each. " +
            $"Near-duplicates: {generated.Count} edited copies (seed {seed}, {copies / Enum.GetValues<ImageEdit>().Length} or so per edit) of {originals.Count} photos " +
            $"(the {queries.Count} imagenet-100 photos and {originals.Count - queries.Count} imagenet-1k-samples), searched among the originals alone " +
            $"(`{nearDuplicates.Name}`) and among all {originals.Count + distractors.Count} shared photos (`{withDistractors.Name}`); the one relevant image is the original. " +
            "Descriptors (docs/descriptors.md): " + string.Join("; ", StandardConfigurations.Descriptors.Select(c => $"`{c}`")) +
            ". Each is run with the float32 model and with its int8 copy (`ingestor quantize` on the 100 imagenet-100 photos, min/max), and projected to 256 and 128 dimensions.");
        text.AppendLine();
        text.Append(EvalMatrixTable.Write(rows, withDistractors.Name, k));
        text.AppendLine();
        text.AppendLine(Charts(rows.Where(r => r.Dimension == rows.Max(x => x.Dimension)).ToList(), withDistractors.Name, k));
        text.AppendLine();
        text.AppendLine("<details><summary>Every configuration on every protocol, and per edit</summary>");
        text.AppendLine();
        text.Append(MarkdownReport.Write(rows));
        text.AppendLine();
        text.AppendLine("</details>");
        text.AppendLine();
        text.AppendLine("`dotnet run -c Release --project bench/Benchmarks -- eval`; the same tables for any configurations and your own images: `dotnet run -c Release --project src/Evaluate -- class|codelab|near-duplicates` (docs/evaluation.md). " +
            "img/s is embedding throughput during the evaluation (decode included), on a machine shared with other work: a cost indication, not a benchmark.");
        Console.WriteLine(text);
        BenchmarkReport.Write("eval", text.ToString());
        return 0;
    }

    private static string Charts(IReadOnlyList<EvaluationRow> rows, string nearDuplicateProtocol, int k)
    {
        var totals = rows.Where(r => r.Group == SetScorer.All).ToList();
        var configurations = totals.Select(r => r.Configuration).Distinct().ToList();
        double Value(string configuration, string protocol, Func<EvaluationRow, double> metric) =>
            totals.Where(r => r.Configuration == configuration && r.Protocol == protocol).Select(metric).FirstOrDefault();
        var summary = SvgChart.Bars("eval-configurations.svg", "Search quality by configuration", "score",
            configurations,
        [
            ("class recall@1", configurations.Select(c => Value(c, ClassProtocol.Name, r => r.Metrics.RecallAt1)).ToList()),
            ($"class mAP@{k}", configurations.Select(c => Value(c, ClassProtocol.Name, r => r.Metrics.MeanAveragePrecision)).ToList()),
            ("near-dup recall@1", configurations.Select(c => Value(c, nearDuplicateProtocol, r => r.Metrics.RecallAt1)).ToList()),
            ($"near-dup mAP@{k}", configurations.Select(c => Value(c, nearDuplicateProtocol, r => r.Metrics.MeanAveragePrecision)).ToList()),
        ]);
        var edits = Enum.GetNames<ImageEdit>();
        var perEdit = SvgChart.Bars("eval-near-duplicate-edits.svg", $"Near-duplicate recall@1 per edit ({nearDuplicateProtocol})", "recall@1",
            edits,
            configurations.Select(c => (c, (IReadOnlyList<double>)edits.Select(e =>
                rows.FirstOrDefault(r => r.Configuration == c && r.Protocol == nearDuplicateProtocol && r.Group == e)?.Metrics.RecallAt1 ?? 0).ToList())).ToList());
        return summary + "\n\n" + perEdit;
    }
}
