using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ImageSearch.TestSupport;

/// <summary>
/// A pipeline worker (<c>dotnet ImageSearch.Embedder.dll</c>, ...) run as a real process from its own build,
/// configured through environment variables as in a deployment, with its monitoring port on a free loopback port.
/// Shared by the end-to-end tests and the benchmarks.
/// </summary>
public sealed partial class WorkerProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private readonly string _name;

    private WorkerProcess(Process process, int port, string name)
    {
        _process = process;
        _name = name;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public int Id => _process.Id;

    /// <summary>Where it serves HTTP on loopback: a worker's monitoring endpoint, or the query API itself.</summary>
    public Uri Address { get; }

    /// <summary>Whether it has died or stopped.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote so far (its logs).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The last <paramref name="characters"/> of <see cref="Output"/>, for failure messages.</summary>
    public string OutputTail(int characters)
    {
        var output = Output;
        return output.Length <= characters ? output : output[^characters..];
    }

    /// <summary>Starts <paramref name="service"/> and waits until <paramref name="readyPath"/> answers 200.</summary>
    /// <param name="settings">Configuration keys as in appsettings.json (<c>Bus:Host</c>), passed as environment variables.</param>
    /// <param name="portSetting">The key given a free port: a worker's <c>Embedder:MetricsPort</c>, or the API's <c>Urls</c> (see <paramref name="portValue"/>).</param>
    /// <param name="portValue">How the port is written into <paramref name="portSetting"/> (the number itself by default).</param>
    /// <param name="workingDirectory">Where it runs (relative data paths land there); its project folder, as with <c>dotnet run</c>, when null.</param>
    /// <exception cref="TimeoutException">Not ready in time (the message carries its output).</exception>
    /// <exception cref="InvalidOperationException">It exited before it was ready.</exception>
    public static async Task<WorkerProcess> StartAsync(
        ServiceBuild service, IEnumerable<KeyValuePair<string, string?>> settings, string portSetting, string? workingDirectory,
        TimeSpan readyTimeout, CancellationToken cancellationToken, string readyPath = "/health/ready", Func<int, string>? portValue = null)
    {
        var port = FreePort.Any();
        var portText = portValue?.Invoke(port) ?? port.ToString(CultureInfo.InvariantCulture);
        var (file, arguments) = service.Command;
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? service.ProjectFolder,
        };
        foreach (var (key, value) in settings.Append(KeyValuePair.Create(portSetting, (string?)portText)))
            info.Environment[key.Replace(":", "__")] = value;
        var worker = new WorkerProcess(new Process { StartInfo = info }, port, service.Name);
        worker._process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        worker._process.Start();
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        try
        {
            await worker.WaitUntilReadyAsync(readyPath, readyTimeout, cancellationToken);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(string readyPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready:\n{Output}");
            try
            {
                using var response = await Http.GetAsync(new Uri(Address, readyPath), cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:N0} s:\n{Output}");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>A sample of its <c>/metrics</c>, e.g. <c>imagesearch_embedder_dead_letters_total{reason="FileEmpty"}</c>; 0 when absent.</summary>
    public async Task<double> MetricAsync(string sample, CancellationToken cancellationToken)
    {
        var text = await Http.GetStringAsync(new Uri(Address, "/metrics"), cancellationToken);
        foreach (Match match in SampleLine().Matches(text))
            if (match.Groups["sample"].Value == sample)
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        return 0;
    }

    /// <summary>Resident set size now (VmRSS of /proc/PID/status), in bytes; 0 once it has exited.</summary>
    public long ResidentBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>CPU time used so far (user + system, from /proc/PID/stat); zero once it has exited.</summary>
    public TimeSpan CpuTime()
    {
        try
        {
            // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
            var stat = File.ReadAllText($"/proc/{Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    // USER_HZ: 100 on every Linux architecture .NET runs on.
    private const int ClockTicksPerSecond = 100;

    private string Name => $"ImageSearch.{_name}";

    [GeneratedRegex(@"^(?<sample>[a-z_:]+(\{[^}]*\})?) (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>SIGKILL, as the OOM killer or a power cut would stop it: no shutdown code runs. Returns once it is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Stops it as an orchestrator would: SIGTERM, then a kill after 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
