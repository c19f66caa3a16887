using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ImageSearch.Pipeline.Tests.Infrastructure;

namespace ImageSearch.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real embedder worker process (<c>dotnet ImageSearch.Embedder.dll</c>), with its own broker connection, configured
/// through environment variables as in a deployment. Its output is kept for the failure message of a test.
/// </summary>
public sealed partial class EmbedderProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EmbedderProcess(Process process, int metricsPort)
    {
        _process = process;
        MetricsPort = metricsPort;
    }

    public int MetricsPort { get; }

    /// <summary>Everything the process wrote so far (logs go to stderr).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts the worker with a free metrics port and waits until <c>/health/ready</c> answers 200 (model warm, bus connected).</summary>
    public static async Task<EmbedderProcess> StartAsync(Broker broker, IReadOnlyDictionary<string, string?> settings, string workingDirectory)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // No appsettings.json there: only the settings below and the defaults in code apply.
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ImageSearch.Embedder.dll"));
        foreach (var (key, value) in broker.Settings.Concat(settings))
            info.Environment[key.Replace(":", "__")] = value;
        info.Environment["Embedder__MetricsPort"] = port.ToString(CultureInfo.InvariantCulture);
        var embedder = new EmbedderProcess(new Process { StartInfo = info }, port);
        embedder._process.OutputDataReceived += (_, e) => embedder.Append(e.Data);
        embedder._process.ErrorDataReceived += (_, e) => embedder.Append(e.Data);
        embedder._process.Start();
        embedder._process.BeginOutputReadLine();
        embedder._process.BeginErrorReadLine();
        try
        {
            await embedder.WaitUntilReadyAsync();
            return embedder;
        }
        catch
        {
            await embedder.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
                Assert.Fail($"the embedder exited with code {_process.ExitCode} before it was ready:\n{Output}");
            try
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{MetricsPort}/health/ready", TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"the embedder was not ready within 60 s:\n{Output}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The value of a sample of <c>/metrics</c>, e.g. <c>imagesearch_embedder_dead_letters_total{reason="FileEmpty"}</c>; 0 when absent.</summary>
    public async Task<double> MetricAsync(string sample)
    {
        var text = await Http.GetStringAsync($"http://127.0.0.1:{MetricsPort}/metrics", TestContext.Current.CancellationToken);
        foreach (var match in SampleLine().Matches(text).Cast<Match>())
            if (match.Groups["sample"].Value == sample)
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        return 0;
    }

    [GeneratedRegex(@"^(?<sample>[a-z_]+(\{[^}]*\})?) (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>Stops the worker as an orchestrator would (SIGTERM, then a kill after 15 s).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
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

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
