using System.Globalization;
using System.Text;
using ImageSearch.Evaluation.Running;

namespace ImageSearch.Evaluation.Reports;

/// <summary>Every row, groups included, as CSV with a header: one line per configuration, protocol and group, for spreadsheets and scripts.</summary>
public static class CsvReport
{
    private const string Header = "configuration,model_id,dimension,vector_mb_per_million,store_mb_per_million,protocol,group,k,queries,without_relevant,failed_queries,failed_gallery,recall_at_1,hit_ratio_at_k,map_at_k,images_per_second";

    public static string Write(IReadOnlyList<EvaluationRow> rows)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var row in rows)
        {
            var m = row.Metrics;
            object[] fields =
            [
                row.Configuration, row.ModelId, row.Dimension, row.VectorMegabytesPerMillion, row.StoreMegabytesPerMillion, row.Protocol, row.Group, row.K,
                m.Queries, m.WithoutRelevant, row.FailedQueries, row.FailedGallery,
                Math.Round(m.RecallAt1, 4), Math.Round(m.HitRatio, 4), Math.Round(m.MeanAveragePrecision, 4), Math.Round(row.ImagesPerSecond, 1),
            ];
            text.AppendJoin(',', fields.Select(Field)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    private static string Field(object value)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
    }
}
