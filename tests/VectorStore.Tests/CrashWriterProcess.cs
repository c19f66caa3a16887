using System.Diagnostics;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// tests/VectorStore.CrashWriter as a child process: a writer on a store folder that upserts batches of records
/// (<c>CrashRecords</c>, 10 by default) forever and prints each batch once its upsert returned, with the rows its graph
/// builder had not indexed yet. Killed with SIGKILL, never asked to stop.
/// </summary>
internal sealed class CrashWriterProcess : IDisposable
{
    private readonly Process _process;

    private CrashWriterProcess(Process process) => _process = process;

    /// <summary>The highest id whose upsert had returned, as far as read from the child's output.</summary>
    public long Acknowledged { get; private set; } = -1;

    /// <summary>Rows the child's background builder had not put into the graph when it acknowledged <see cref="Acknowledged"/>.</summary>
    public int Unindexed { get; private set; }

    /// <summary><paramref name="efConstruction"/>: a large one keeps the child's graph builder behind its ingest.</summary>
    public static CrashWriterProcess Start(string directory, string collection, int dimension, int batch = 10, int? efConstruction = null)
    {
        var writer = ServiceBuild.CrashWriter.Assembly;
        string[] arguments = [writer, directory, collection, dimension.ToString(), batch.ToString(), .. efConstruction is { } ef ? [ef.ToString()] : Array.Empty<string>()];
        return new CrashWriterProcess(Process.Start(new ProcessStartInfo("dotnet", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!);
    }

    /// <summary>Reads the child's acknowledgements until at least <paramref name="id"/> is acknowledged.</summary>
    public Task<long> WaitForAcknowledgedAsync(long id, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => Acknowledged >= id, cancellationToken);

    /// <summary>Reads the child's acknowledgements until <paramref name="condition"/> holds (within 60 s).</summary>
    public async Task<long> WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            var line = await _process.StandardOutput.ReadLineAsync(deadline.Token)
                ?? throw new InvalidOperationException($"writer exited early: {await _process.StandardError.ReadToEndAsync(cancellationToken)}");
            Read(line);
        }
        return Acknowledged;
    }

    private void Read(string line)
    {
        var fields = line.Split(' ');
        (Acknowledged, Unindexed) = (long.Parse(fields[2]), int.Parse(fields[3]));
    }

    /// <summary>SIGKILL (no finalisers, no snapshot on dispose, no SQLite checkpoint); returns the last acknowledged id.</summary>
    public async Task<long> KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill();
        await _process.WaitForExitAsync(cancellationToken);
        // Lines the child printed before it died were acknowledged too; drain them.
        while (await _process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            Read(line);
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
