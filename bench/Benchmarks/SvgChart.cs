using System.Globalization;
using System.Security;
using System.Text;
using ImageSearch.TestSupport;

namespace ImageSearch.Benchmarks;

/// <summary>One named line of a chart: points in data units.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// Draws the charts of <c>docs/benchmarks.md</c> as plain SVG files under <c>docs/charts/</c>, so every figure in the report
/// comes from a benchmark run and none is drawn by hand. Line charts (a value against a size or a time) and grouped bar
/// charts (configurations side by side) cover what the benchmarks plot.
/// </summary>
public static class SvgChart
{
    private const int Width = 720, Height = 360, Left = 70, Right = 170, Top = 40, Bottom = 50;
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    /// <summary>Writes a line chart to <c>docs/charts/<paramref name="file"/></c> and returns the Markdown that shows it.</summary>
    public static string Lines(string file, string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, bool yFromZero = true)
    {
        var points = series.SelectMany(s => s.Points).ToList();
        var (xMin, xMax) = Range(points.Select(p => p.X), fromZero: false);
        var (yMin, yMax) = Range(points.Select(p => p.Y), yFromZero);
        var svg = Frame(title, xLabel, yLabel);
        Axes(svg, xMin, xMax, yMin, yMax);
        for (var i = 0; i < series.Count; i++)
        {
            var colour = Colours[i % Colours.Length];
            var path = string.Join(' ', series[i].Points.Select(p => $"{X(p.X, xMin, xMax):F1},{Y(p.Y, yMin, yMax):F1}"));
            svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{path}\"/>\n");
            Legend(svg, i, series[i].Name, colour);
        }
        return Save(file, title, svg);
    }

    /// <summary>Writes a grouped bar chart: one group per category, one bar per series within it.</summary>
    public static string Bars(string file, string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series)
    {
        var (_, yMax) = Range(series.SelectMany(s => s.Values), fromZero: true);
        var svg = Frame(title, "", yLabel);
        Axes(svg, double.NaN, double.NaN, 0, yMax);
        var groupWidth = (double)(Width - Left - Right) / Math.Max(1, categories.Count);
        var barWidth = groupWidth * 0.8 / Math.Max(1, series.Count);
        for (var c = 0; c < categories.Count; c++)
        {
            var groupLeft = Left + c * groupWidth + groupWidth * 0.1;
            svg.Append($"<text x=\"{groupLeft + groupWidth * 0.4:F1}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{Escape(categories[c])}</text>\n");
            for (var s = 0; s < series.Count; s++)
            {
                var top = Y(series[s].Values[c], 0, yMax);
                svg.Append($"<rect x=\"{groupLeft + s * barWidth:F1}\" y=\"{top:F1}\" width=\"{barWidth:F1}\" height=\"{Height - Bottom - top:F1}\" fill=\"{Colours[s % Colours.Length]}\"/>\n");
            }
        }
        for (var s = 0; s < series.Count; s++)
            Legend(svg, s, series[s].Name, Colours[s % Colours.Length]);
        return Save(file, title, svg);
    }

    private static StringBuilder Frame(string title, string xLabel, string yLabel)
    {
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n");
        svg.Append($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append($"<text transform=\"translate(16,{(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>\n");
        return svg;
    }

    /// <summary>Frame lines, and tick labels on each axis that has a range (bar charts have none on x).</summary>
    private static void Axes(StringBuilder svg, double xMin, double xMax, double yMin, double yMax)
    {
        svg.Append($"<polyline fill=\"none\" stroke=\"black\" points=\"{Left},{Top} {Left},{Height - Bottom} {Width - Right},{Height - Bottom}\"/>\n");
        for (var i = 0; i <= 4; i++)
        {
            var y = yMin + (yMax - yMin) * i / 4;
            svg.Append($"<text x=\"{Left - 6}\" y=\"{Y(y, yMin, yMax) + 4:F1}\" text-anchor=\"end\">{Number(y)}</text>\n");
            svg.Append($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(y, yMin, yMax):F1}\" y2=\"{Y(y, yMin, yMax):F1}\" stroke=\"#ddd\"/>\n");
            if (double.IsNaN(xMin))
                continue;
            var x = xMin + (xMax - xMin) * i / 4;
            svg.Append($"<text x=\"{X(x, xMin, xMax):F1}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{Number(x)}</text>\n");
        }
    }

    private static void Legend(StringBuilder svg, int index, string name, string colour)
    {
        var y = Top + 10 + index * 18;
        svg.Append($"<rect x=\"{Width - Right + 12}\" y=\"{y - 8}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\n");
        svg.Append($"<text x=\"{Width - Right + 28}\" y=\"{y + 1}\">{Escape(name)}</text>\n");
    }

    private static string Save(string file, string title, StringBuilder svg)
    {
        svg.Append("</svg>\n");
        var folder = Path.Combine(ServiceBuild.RepositoryRoot, "docs", "charts");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, file), svg.ToString());
        return $"![{title}](charts/{file})";
    }

    private static (double Min, double Max) Range(IEnumerable<double> values, bool fromZero)
    {
        var list = values.Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        var (min, max) = (fromZero ? Math.Min(0, list.Min()) : list.Min(), list.Max());
        return max > min ? (min, max) : (min, min + 1);
    }

    private static double X(double x, double min, double max) => Left + (x - min) / (max - min) * (Width - Left - Right);

    private static double Y(double y, double min, double max) => Height - Bottom - (y - min) / (max - min) * (Height - Top - Bottom);

    private static string Number(double value) =>
        Math.Abs(value) >= 10_000 ? (value / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : value.ToString(Math.Abs(value) >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
