using System.Diagnostics;
using System.Net;
using ImageSearch.TestSupport;

namespace ImageSearch.Benchmarks.Api;

/// <summary>
/// The real query API in a child process on a loopback port, configured through environment variables, so requests cross
/// a real socket and a real Kestrel. The child is the API as its own build wrote it (<see cref="ServiceBuild"/>).
/// </summary>
internal sealed class QueryApiProcess : IAsyncDisposable
{
    private readonly Process _process;

    private QueryApiProcess(Process process, Uri address) => (_process, Address) = (process, address);

    public Uri Address { get; }

    public static async Task<QueryApiProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var port = FreePort.Any();
        var start = new ProcessStartInfo("dotnet", [ServiceBuild.QueryApi.Assembly])
        {
            WorkingDirectory = workingDirectory, // relative paths of its appsettings.json land there; the settings below name every one
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var api = new QueryApiProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var client = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(5); // a large store without a graph snapshot builds it at start
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the query API exited with {process.ExitCode}:\n{string.Join('\n', log.TakeLast(30))}");
            try
            {
                if ((await client.GetAsync("/health", cancellationToken)).StatusCode == HttpStatusCode.OK)
                    return api;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the query API did not become healthy:\n{string.Join('\n', log.TakeLast(30))}");
            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(); // SIGKILL is fine: the store's upserts are durable, and nothing is written while benchmarking
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
