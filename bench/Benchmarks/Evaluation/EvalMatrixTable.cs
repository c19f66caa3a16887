using System.Globalization;
using System.Text;
using ImageSearch.Evaluation.Protocols;
using ImageSearch.Evaluation.Running;

namespace ImageSearch.Benchmarks.Evaluation;

/// <summary>
/// The eval matrix in one table: a row per descriptor and precision, each cell the metric at every dimension
/// (full / projected …), so what a kind, int8 or a smaller vector changes reads along one line or down one column.
/// </summary>
internal static class EvalMatrixTable
{
    public static string Write(IReadOnlyList<EvaluationRow> rows, string nearDuplicateProtocol, int k)
    {
        var totals = rows.Where(r => r.Group == SetScorer.All).ToList();
        var dimensions = totals.Select(r => r.Dimension).Distinct().OrderDescending().ToList();
        var at = string.Join(" / ", dimensions);
        var text = new StringBuilder();
        text.AppendLine($"| descriptor | model id (full dimension) | img/s | class recall@1 ({at}) | class mAP@{k} | near-dup recall@1 | near-dup mAP@{k} |");
        text.AppendLine("|---|---|---:|---|---|---|---|");
        foreach (var line in totals.GroupBy(r => BaseName(r.Configuration)))
        {
            var full = line.First(r => r.Dimension == dimensions[0]);
            string Cell(string protocol, Func<EvaluationRow, double> metric) => string.Join(" / ", dimensions.Select(d =>
                line.FirstOrDefault(r => r.Dimension == d && r.Protocol == protocol) is { } row ? metric(row).ToString("F3", CultureInfo.InvariantCulture) : "–"));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {line.Key} | `{full.ModelId}` | {full.ImagesPerSecond:F1} | {Cell(ClassProtocol.Name, r => r.Metrics.RecallAt1)} | {Cell(ClassProtocol.Name, r => r.Metrics.MeanAveragePrecision)} | " +
                $"{Cell(nearDuplicateProtocol, r => r.Metrics.RecallAt1)} | {Cell(nearDuplicateProtocol, r => r.Metrics.MeanAveragePrecision)} |"));
        }
        text.AppendLine();
        text.AppendLine($"Near-duplicate columns are `{nearDuplicateProtocol}` (the copies searched among all shared photos). Memory per million vectors: " +
            string.Join(", ", dimensions.Select(d => totals.First(r => r.Dimension == d)).Select(r =>
                $"{r.Dimension} dimensions {r.VectorMegabytesPerMillion:N0} MB as float32 ({r.StoreMegabytesPerMillion:N0} MB in the embedded store)")) + ".");
        return text.ToString();
    }

    /// <summary><c>gem3-int8-rp128</c> → <c>gem3-int8</c>: the configuration before its projection.</summary>
    private static string BaseName(string configuration)
    {
        var projected = configuration.LastIndexOf("-rp", StringComparison.Ordinal);
        return projected > 0 && int.TryParse(configuration.AsSpan(projected + 3), out _) ? configuration[..projected] : configuration;
    }
}
