using System.Diagnostics;

namespace ImageSearch.Pipeline.Tests.Infrastructure;

/// <summary>Runs the real ingestor executable, as a user would, with configuration passed as environment variables.</summary>
public static class IngestorProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ImageSearch.Ingestor.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
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
}
