using System.CommandLine;
using ImageSearch.Evaluation.Configurations;
using ImageSearch.Evaluation.Protocols;
using ImageSearch.Evaluation.Reports;
using ImageSearch.Evaluation.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Evaluate;

/// <summary>
/// What every protocol command shares: the configurations, K, the output folder, the shared settings; and the run itself
/// (evaluate, print the table, write evaluation.md and evaluation.csv). Exit codes: 0 done, 2 bad input, 130 interrupted.
/// </summary>
internal sealed class EvaluationRun
{
    private readonly Option<string[]> _configurations = new("--config")
    {
        Description = "A configuration NAME[;Embedding:Key=Value]… (repeat the flag for more); default: the standard matrix (gap, gap-rp256, gap-rp128)",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<int> _k = new("--k") { Description = "Cut-off of mHR@K and mAP@K", DefaultValueFactory = _ => 10 };

    private readonly Option<string> _output = new("--out") { Description = "Folder for evaluation.md and evaluation.csv", DefaultValueFactory = _ => "evaluation" };

    public void AddTo(Command command)
    {
        _k.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--k must be at least 1"); });
        command.Options.Add(_configurations);
        command.Options.Add(_k);
        command.Options.Add(_output);
    }

    public string OutputFolder(ParseResult result) => Path.GetFullPath(result.GetValue(_output)!);

    public async Task<int> RunAsync(ParseResult result, Func<IReadOnlyList<EvaluationSet>> sets, CancellationToken cancellationToken)
    {
        using var logging = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace) // the tables alone on stdout
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("ImageSearch.Embedding", LogLevel.Warning));
        try
        {
            var configurations = result.GetValue(_configurations) is { Length: > 0 } given
                ? given.Select(EvaluationConfiguration.Parse).ToList()
                : StandardConfigurations.Default.ToList();
            var duplicate = configurations.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw new FormatException($"configuration name '{duplicate.Key}' is used twice");
            var settings = Settings(result);
            foreach (var configuration in configurations)
                configuration.Options(settings); // a typo fails now, before any copies are written or images embedded
            var rows = await new Evaluator(settings, logging).RunAsync(configurations, sets(), result.GetValue(_k), cancellationToken);
            Write(rows, OutputFolder(result));
            return 0;
        }
        catch (Exception e) when (e is FormatException or IOException or ArgumentException or UnauthorizedAccessException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("interrupted");
            return 130;
        }
    }

    /// <summary>appsettings.json beside the program, then Embedding__* variables, then --Embedding:Key=value flags.</summary>
    private static IConfiguration Settings(ParseResult result) => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(result.UnmatchedTokens.ToArray())
        .Build();

    private static void Write(IReadOnlyList<EvaluationRow> rows, string folder)
    {
        var markdown = MarkdownReport.Write(rows);
        Console.WriteLine(markdown);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "evaluation.md"), markdown);
        File.WriteAllText(Path.Combine(folder, "evaluation.csv"), CsvReport.Write(rows));
        Console.Error.WriteLine($"wrote {Path.Combine(folder, "evaluation.md")} and evaluation.csv");
    }
}
