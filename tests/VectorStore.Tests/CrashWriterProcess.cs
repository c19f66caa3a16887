using System.Diagnostics;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// tests/VectorStore.CrashWriter as a child process: a writer on a store folder that upserts batches of 10 records
/// (<c>CrashRecords</c>) forever and prints each batch once its upsert returned. Killed with SIGKILL, never asked to stop.
/// </summary>
internal sealed class CrashWriterProcess : IDisposable
{
    private readonly Process _process;

    private CrashWriterProcess(Process process) => _process = process;

    /// <summary>The highest id whose upsert had returned, as far as read from the child's output.</summary>
    public long Acknowledged { get; private set; } = -1;

    public static CrashWriterProcess Start(string directory, string collection, int dimension)
    {
        var writer = ServiceBuild.CrashWriter.Assembly;
        return new CrashWriterProcess(Process.Start(new ProcessStartInfo("dotnet", [writer, directory, collection, dimension.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!);
    }

    /// <summary>Reads the child's acknowledgements until at least <paramref name="id"/> is acknowledged.</summary>
    public async Task<long> WaitForAcknowledgedAsync(long id, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (Acknowledged < id)
        {
            var line = await _process.StandardOutput.ReadLineAsync(deadline.Token)
                ?? throw new InvalidOperationException($"writer exited early: {await _process.StandardError.ReadToEndAsync(cancellationToken)}");
            Acknowledged = long.Parse(line.Split(' ')[2]);
        }
        return Acknowledged;
    }

    /// <summary>SIGKILL (no finalisers, no snapshot on dispose, no SQLite checkpoint); returns the last acknowledged id.</summary>
    public async Task<long> KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill();
        await _process.WaitForExitAsync(cancellationToken);
        // Lines the child printed before it died were acknowledged too; drain them.
        while (await _process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            Acknowledged = long.Parse(line.Split(' ')[2]);
        Assert.Equal(137, _process.ExitCode);
        return Acknowledged;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.Dispose();
    }
}
