using System.Diagnostics;
using Xunit;

namespace ImageSearch.TestSupport;

/// <summary>
/// A tmpfs of a few MiB mounted on a fresh folder, so a test can fill a real filesystem (ENOSPC) without touching the
/// machine's disk. Mounting needs root (or CAP_SYS_ADMIN); where it is refused the test skips and says so.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    private readonly TempFolder _mountPoint = new();

    private SmallFilesystem()
    {
    }

    public string Path => _mountPoint.Path;

    public static SmallFilesystem Mount(string size)
    {
        var filesystem = new SmallFilesystem();
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", filesystem.Path);
        if (exitCode != 0)
        {
            filesystem._mountPoint.Dispose();
            Assert.Skip($"needs a {size} tmpfs to fill, and `mount -t tmpfs` was refused (run as root or with CAP_SYS_ADMIN): {output.Trim()}");
        }
        return filesystem;
    }

    /// <summary>Writes <paramref name="file"/> until the filesystem has no page left (tmpfs allocates 4 KiB pages).</summary>
    public static void Fill(string file)
    {
        var page = new byte[4096];
        using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
                stream.Write(page);
        }
        catch (IOException)
        {
            // ENOSPC: full
        }
    }

    private static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{program}: {e.Message}");
        }
    }

    public void Dispose()
    {
        Run("umount", "--lazy", Path);
        _mountPoint.Dispose();
    }
}
