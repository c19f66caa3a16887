using System.Diagnostics;
using System.Globalization;

namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>
/// GPU utilisation and memory sampled by <c>nvidia-smi</c> every 250 ms while a run is timed; nothing on a machine without it.
/// Utilisation is the share of time a kernel ran, not how much of the chip it used: a low figure means the GPU waited.
/// </summary>
internal sealed class GpuUtilisation
{
    private readonly List<(double Busy, double MemoryMiB)> _samples = [];
    private Process? _smi;

    public void Start()
    {
        try
        {
            _smi = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits -lms 250")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return; // no NVIDIA driver here
        }
        if (_smi is null)
            return;
        _smi.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Split(',') is [var busy, var memory]
                && double.TryParse(busy, CultureInfo.InvariantCulture, out var b) && double.TryParse(memory, CultureInfo.InvariantCulture, out var m))
                lock (_samples)
                    _samples.Add((b, m));
        };
        _smi.BeginOutputReadLine();
    }

    /// <summary>Mean utilisation (%) and peak memory used (MiB) since <see cref="Start"/>; null without samples. Safe to call twice.</summary>
    public (double MeanBusy, double PeakMemoryMiB)? Stop()
    {
        if (_smi is { HasExited: false })
        {
            _smi.Kill();
            _smi.WaitForExit();
        }
        _smi?.Dispose();
        _smi = null;
        lock (_samples)
            return _samples.Count == 0 ? null : (_samples.Average(s => s.Busy), _samples.Max(s => s.MemoryMiB));
    }
}
