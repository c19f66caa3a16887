using System.Diagnostics;
using System.Globalization;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>One process's resident set over a run: (seconds since the start, bytes), one sample a second while it lived.</summary>
internal sealed record RssTrace(string Process, IReadOnlyList<(double Seconds, long Bytes)> Samples)
{
    public long Start => Samples[0].Bytes;

    public long Peak => Samples.Max(s => s.Bytes);

    public long End => Samples[^1].Bytes;

    /// <summary>Median RSS over the samples between the two fractions of the run's time (both in 0..1).</summary>
    public long MedianBetween(double from, double to, double runSeconds)
    {
        var window = Samples.Where(s => s.Seconds >= from * runSeconds && s.Seconds <= to * runSeconds).Select(s => s.Bytes).Order().ToList();
        return window.Count == 0 ? End : window[window.Count / 2];
    }
}

/// <summary>
/// Samples VmRSS (from <c>/proc/PID/status</c>) of named processes every second on a background task, until disposed.
/// A process that has exited stops adding samples.
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly Dictionary<string, (int Pid, List<(double, long)> Samples)> _processes;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(IReadOnlyDictionary<string, int> processes)
    {
        _processes = processes.ToDictionary(p => p.Key, p => (p.Value, new List<(double, long)>()));
        _loop = Task.Run(LoopAsync);
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Starts sampling one more process (one started after the others, e.g. the publisher).</summary>
    public void Add(string name, int pid)
    {
        lock (_processes)
            _processes[name] = (pid, []);
    }

    /// <summary>The traces so far, in the order the processes were named.</summary>
    public IReadOnlyList<RssTrace> Traces()
    {
        lock (_processes)
            return _processes.Where(p => p.Value.Samples.Count > 0).Select(p => new RssTrace(p.Key, p.Value.Samples.ToList())).ToList();
    }

    /// <summary>VmRSS of a process in bytes, or null once it has exited.</summary>
    public static long? ResidentBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                var seconds = _clock.Elapsed.TotalSeconds;
                lock (_processes)
                    foreach (var (_, (pid, samples)) in _processes)
                        if (ResidentBytes(pid) is { } bytes)
                            samples.Add((seconds, bytes));
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
