using System.Diagnostics;

namespace ImageSearch.TestSupport;

/// <summary>The processes behind <see cref="RabbitMqNode"/>: running its scripts, and finding and stopping its Erlang VMs.</summary>
internal static class NodeProcesses
{
    /// <summary>
    /// Stops nodes left by test runs that died (their owner process is gone) and deletes their folders.
    /// Nodes of runs still alive are left alone.
    /// </summary>
    public static void ReapLeftovers(string folderPrefix)
    {
        foreach (var (pid, folder) in Find(folderPrefix))
            if (!OwnerIsAlive(folder))
                Kill(pid);
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), folderPrefix + "*"))
            if (!OwnerIsAlive(folder))
                TryDelete(folder);
    }

    /// <summary>Kills the Erlang VM of the node in <paramref name="folder"/>, found by its environment (its command line does not name the folder).</summary>
    public static void Kill(string folder)
    {
        foreach (var (pid, nodeFolder) in Find(Path.GetFileName(folder)))
            if (nodeFolder == folder)
                Kill(pid);
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>Node processes whose data folder (in the temporary folder) starts with <paramref name="folderPrefix"/>, with that folder.</summary>
    internal static IEnumerable<(int Pid, string Folder)> Find(string folderPrefix)
    {
        var marker = "RABBITMQ_MNESIA_BASE=" + Path.Combine(Path.GetTempPath(), folderPrefix);
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || IsPortMapper(entry))
                continue;
            string environment;
            try
            {
                environment = File.ReadAllText(Path.Combine(entry, "environ"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var variable = environment.Split('\0').FirstOrDefault(v => v.StartsWith(marker, StringComparison.Ordinal));
            if (variable is not null)
                yield return (pid, Path.GetDirectoryName(variable["RABBITMQ_MNESIA_BASE=".Length..])!);
        }
    }

    /// <summary>
    /// The first node on a machine starts epmd, which inherits that node's environment but serves every node here:
    /// killing it with its node would make all other running nodes unreachable for rabbitmqctl.
    /// </summary>
    internal static bool IsPortMapper(string processFolder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processFolder, "comm")).Trim() == "epmd";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool OwnerIsAlive(string folder) => ReadPid(Path.Combine(folder, "owner")) is { } owner && IsAlive(owner);

    private static int? ReadPid(string file) =>
        File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : null;

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    public static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static async Task<string> RunAsync(
        string file, string[] arguments, Dictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var output = process.StandardOutput.ReadToEndAsync(limit.Token);
        var error = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:N0} s");
        }
        var text = await output + await error;
        return process.ExitCode == 0
            ? text
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {text.Trim()}");
    }
}
