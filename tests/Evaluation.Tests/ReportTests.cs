using ImageSearch.Evaluation.Metrics;
using ImageSearch.Evaluation.Reports;
using ImageSearch.Evaluation.Running;

namespace ImageSearch.Evaluation.Tests;

public sealed class ReportTests
{
    private static readonly EvaluationRow[] Rows =
    [
        new("gap", "resnet18", 512, "near-duplicates", SetScorer.All, 10, new MetricSummary(18, 0, 0.9, 1, 0.95), 0, 0, 40),
        new("gap", "resnet18", 512, "near-duplicates", "Flip", 10, new MetricSummary(9, 0, 1, 1, 1), 0, 0, 40),
        new("gap-rp128", "resnet18+rp128s42", 128, "near-duplicates", SetScorer.All, 10, new MetricSummary(17, 1, 0.8, 0.9, 0.85), 0, 0, 41),
        new("gap-rp128", "resnet18+rp128s42", 128, "near-duplicates", "Flip", 10, new MetricSummary(9, 0, 0.75, 1, 0.8), 0, 0, 41),
    ];

    [Fact]
    public void MarkdownShowsTheSummaryWithMemoryAndAGroupTable()
    {
        var text = MarkdownReport.Write(Rows);

        Assert.Contains("| gap | resnet18 | 512 | 2,048 | 2,560 | near-duplicates | 18 | 0 | 0.900 | 1.000 | 0.950 | 40.0 |", text);
        Assert.Contains("| gap-rp128 | resnet18+rp128s42 | 128 | 512 | 640 | near-duplicates | 17 | 1 no relevant | 0.800 | 0.900 | 0.850 | 41.0 |", text);
        Assert.Contains("| group | queries | gap | gap-rp128 |", text);
        Assert.Contains("| Flip | 9 | 1.00 / 1.00 / 1.00 | 0.75 / 1.00 / 0.80 |", text);
    }

    [Fact]
    public void CsvHasOneLinePerRowAndQuotesFieldsWithCommas()
    {
        var lines = CsvReport.Write([Rows[0] with { Configuration = "a, \"b\"" }, Rows[1]]).TrimEnd('\n').Split('\n');

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("configuration,model_id,dimension,", lines[0]);
        Assert.Equal("\"a, \"\"b\"\"\",resnet18,512,2048,2560,near-duplicates,all,10,18,0,0,0,0.9,1,0.95,40", lines[1]);
    }
}
