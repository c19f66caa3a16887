using System.Diagnostics;
using Xunit;

namespace ImageSearch.TestSupport;

/// <summary>Runs the real ingestor CLI from its own build, as a user would, with configuration passed as environment variables.</summary>
public static class IngestorProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <param name="workingDirectory">Where it runs; the ingestor's project folder (as <c>dotnet run</c>) when null.</param>
    public static async Task<Result> RunAsync(
        IReadOnlyDictionary<string, string?> settings, string[] arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? ServiceBuild.Ingestor.ProjectFolder,
        };
        info.ArgumentList.Add(ServiceBuild.Ingestor.Assembly);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in settings)
            info.Environment[key.Replace(":", "__")] = value;
        info.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(process.ExitCode, await output, await error);
    }

    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] arguments) =>
        RunAsync(settings, arguments, null);
}
