using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ImageSearch.TestSupport;

/// <summary>Files that are not regular files, made the way an attacker or an unlucky mount would leave them.</summary>
public static partial class UnixFiles
{
    public static string MakeFifo(string path)
    {
        if (mkfifo(path, 0x1B6 /* 0666 */) != 0)
            throw new IOException($"mkfifo {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return path;
    }

    /// <summary>A character device like /dev/null (major 1, minor 3), or null with why it cannot be made here.</summary>
    public static string? MakeCharacterDevice(string path, out string? whyNot)
    {
        using var mknod = Process.Start(new ProcessStartInfo("mknod", [path, "c", "1", "3"]) { RedirectStandardError = true })!;
        var error = mknod.StandardError.ReadToEnd();
        mknod.WaitForExit();
        whyNot = mknod.ExitCode == 0 ? null : $"mknod refused ({error.Trim()}): this process may not create device nodes";
        return whyNot is null ? path : null;
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkfifo(string path, int mode);
}
