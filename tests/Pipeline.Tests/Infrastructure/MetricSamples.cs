using System.Globalization;
using Prometheus;

namespace ImageSearch.Pipeline.Tests;

/// <summary>Reads this process's Prometheus metrics as /metrics would export them (the default registry is process-wide).</summary>
public static class MetricSamples
{
    /// <summary>The value of <paramref name="sample"/> (a name, with its labels if any); 0 when absent.</summary>
    public static async Task<double> ReadAsync(string sample)
    {
        using var text = new MemoryStream();
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(text, TestContext.Current.CancellationToken);
        text.Position = 0;
        using var reader = new StreamReader(text);
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
                return double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
        return 0;
    }
}
