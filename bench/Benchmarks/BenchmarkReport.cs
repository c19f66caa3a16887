using System.Runtime.InteropServices;
using ImageSearch.TestSupport;

namespace ImageSearch.Benchmarks;

/// <summary>
/// Writes one benchmark's results into its own section of <c>docs/benchmarks.md</c>, between
/// <c>&lt;!-- bench:NAME --&gt;</c> markers, so benchmarks can be re-run one at a time without clobbering the others.
/// </summary>
public static class BenchmarkReport
{
    public static void Write(string name, string markdown)
    {
        var file = Path.Combine(ServiceBuild.RepositoryRoot, "docs", "benchmarks.md");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var text = File.Exists(file) ? File.ReadAllText(file) : "# Benchmarks\n\nWritten by `bench/Benchmarks`; each section is replaced when its benchmark runs again.\n";
        var (begin, end) = ($"<!-- bench:{name} -->", $"<!-- /bench:{name} -->");
        var section = $"{begin}\n{markdown.TrimEnd()}\n\n_{Machine()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC._\n{end}";
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = text.IndexOf(end, StringComparison.Ordinal);
        text = start >= 0 && stop > start
            ? string.Concat(text.AsSpan(0, start), section, text.AsSpan(stop + end.Length))
            : text.TrimEnd() + "\n\n" + section + "\n";
        File.WriteAllText(file, text);
        Console.WriteLine($"wrote section '{name}' of {file}");
    }

    /// <summary>The machine in words, so numbers from different hosts are never compared by accident.</summary>
    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {CpuModel()}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        var line = File.Exists(cpuinfo) ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
