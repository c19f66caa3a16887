using System.Globalization;
using System.Text;
using ImageSearch.Evaluation.Running;

namespace ImageSearch.Evaluation.Reports;

/// <summary>The report as Markdown: one summary table, then per protocol with query groups a table of the groups.</summary>
public static class MarkdownReport
{
    public static string Write(IReadOnlyList<EvaluationRow> rows)
    {
        var text = new StringBuilder();
        Summary(text, rows);
        foreach (var protocol in rows.Where(r => r.Group != SetScorer.All).Select(r => r.Protocol).Distinct())
        {
            text.AppendLine();
            Groups(text, rows.Where(r => r.Protocol == protocol).ToList(), protocol);
        }
        return text.ToString();
    }

    private static void Summary(StringBuilder text, IReadOnlyList<EvaluationRow> rows)
    {
        var k = rows.Count > 0 ? rows[0].K : 10;
        text.AppendLine($"| configuration | model id | dim | MB per 1M vectors (float32) | MB per 1M in the embedded store | protocol | queries | left out | recall@1 | mHR@{k} | mAP@{k} | img/s |");
        text.AppendLine("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows.Where(r => r.Group == SetScorer.All))
        {
            var m = row.Metrics;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Configuration} | {row.ModelId} | {row.Dimension} | {row.VectorMegabytesPerMillion:N0} | {row.StoreMegabytesPerMillion:N0} | {row.Protocol} | {m.Queries} | {LeftOut(row)} | {m.RecallAt1:F3} | {m.HitRatio:F3} | {m.MeanAveragePrecision:F3} | {row.ImagesPerSecond:F1} |"));
        }
    }

    /// <summary>Rows are the groups, columns the configurations; each cell is recall@1 / recall@K / mAP@K.</summary>
    private static void Groups(StringBuilder text, List<EvaluationRow> rows, string protocol)
    {
        var k = rows[0].K;
        var configurations = rows.Select(r => r.Configuration).Distinct().ToList();
        text.AppendLine($"**{protocol}** per group, each cell recall@1 / recall@{k} / mAP@{k}:");
        text.AppendLine();
        text.AppendLine($"| group | queries | {string.Join(" | ", configurations)} |");
        text.AppendLine($"|---|---:|{string.Concat(configurations.Select(_ => "---:|"))}");
        foreach (var group in rows.Select(r => r.Group).Distinct())
        {
            var cells = configurations.Select(c => rows.FirstOrDefault(r => r.Configuration == c && r.Group == group) is { } row
                ? string.Create(CultureInfo.InvariantCulture, $"{row.Metrics.RecallAt1:F2} / {row.Metrics.HitRatio:F2} / {row.Metrics.MeanAveragePrecision:F2}")
                : "–");
            var queries = rows.First(r => r.Group == group).Metrics.Queries;
            text.AppendLine($"| {group} | {queries} | {string.Join(" | ", cells)} |");
        }
    }

    private static string LeftOut(EvaluationRow row)
    {
        var parts = new List<string>();
        if (row.Metrics.WithoutRelevant > 0)
            parts.Add($"{row.Metrics.WithoutRelevant} no relevant");
        if (row.FailedQueries > 0)
            parts.Add($"{row.FailedQueries} failed");
        if (row.FailedGallery > 0)
            parts.Add($"{row.FailedGallery} gallery failed");
        return parts.Count == 0 ? "0" : string.Join(", ", parts);
    }
}
