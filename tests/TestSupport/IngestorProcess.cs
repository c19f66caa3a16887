using System.Diagnostics;
using System.Runtime.InteropServices;
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
        using var running = Start(settings, arguments, workingDirectory);
        return await running.WaitAsync(TimeSpan.FromSeconds(90));
    }

    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] arguments) =>
        RunAsync(settings, arguments, null);

    /// <summary>Starts the CLI and returns at once: for tests that signal or kill it while it works.</summary>
    public static Running Start(IReadOnlyDictionary<string, string?> settings, string[] arguments, string? workingDirectory = null)
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
        return new Running(Process.Start(info)!);
    }

    /// <summary>A CLI process under way; killed with its children when disposed before it exits.</summary>
    public sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _output;
        private readonly Task<string> _error;

        internal Running(Process process)
        {
            _process = process;
            _output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            _error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        }

        /// <summary>Sends a POSIX signal, as kill(1) does: 2 SIGINT (Ctrl-C), 9 SIGKILL, 15 SIGTERM.</summary>
        public void Signal(int signal)
        {
            if (kill(_process.Id, signal) != 0)
                throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        /// <summary>
        /// Waits for the exit; past <paramref name="limit"/> the process is killed and the wait fails with what it had
        /// written, so a process that hung says where.
        /// </summary>
        public async Task<Result> WaitAsync(TimeSpan limit)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(limit);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
                throw new TimeoutException(
                    $"the ingestor had not exited after {limit.TotalSeconds:N0} s and was killed\n--- stdout\n{await _output}\n--- stderr\n{await _error}");
            }
            return new Result(_process.ExitCode, await _output, await _error);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int signal);
    }
}
