using System.Globalization;
using ImageSearch.Embedding;
using ImageSearch.TestSupport;

namespace ImageSearch.Benchmarks;

/// <summary>The one parser of benchmark command lines: <c>--name value</c> pairs, lists comma-separated.</summary>
internal sealed class BenchmarkArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public BenchmarkArguments(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --name value pairs, got '{args[i]}'");
            _values[args[i][2..]] = args[++i];
        }
    }

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int[] Integers(string name, string fallback) =>
        Get(name, fallback).Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();

    public int Integer(string name, int fallback) => Integers(name, fallback.ToString(CultureInfo.InvariantCulture))[0];

    /// <summary>The shared data folder: <c>--data</c>, else <c>IMAGESEARCH_DATA</c>, else <c>shared/data</c> above the repository.</summary>
    public string DataFolder()
    {
        var explicitFolder = _values.GetValueOrDefault("data") ?? Environment.GetEnvironmentVariable("IMAGESEARCH_DATA");
        if (!string.IsNullOrEmpty(explicitFolder))
            return Path.GetFullPath(explicitFolder);
        for (var dir = new DirectoryInfo(ServiceBuild.RepositoryRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("shared image data not found: pass --data DIR or set IMAGESEARCH_DATA");
    }

    public ExecutionProvider Provider() => Get("provider", "cpu").ToLowerInvariant() switch
    {
        "cpu" => ExecutionProvider.Cpu,
        "cuda" => ExecutionProvider.Cuda,
        var other => throw new ArgumentException($"--provider must be cpu or cuda, not '{other}'"),
    };
}
