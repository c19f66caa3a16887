using System.Runtime.InteropServices;
using ImageSearch.Contracts;
using Microsoft.Win32.SafeHandles;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// A regular file opened for reading without ever blocking on what the path turns out to be: <c>open(2)</c> with
/// <c>O_NONBLOCK</c> (a FIFO without a writer would otherwise wait forever), <c>O_NOFOLLOW</c> (the path was resolved
/// already, so a final link means it was swapped since) and <c>O_CLOEXEC</c>; then the file type is read from the open
/// handle, not the path. .NET's own <c>File.OpenHandle</c> offers none of these flags. Linux only.
/// </summary>
internal sealed partial class RegularFile : IDisposable
{
    private RegularFile(SafeFileHandle handle, long length)
    {
        Handle = handle;
        Length = length;
    }

    public SafeFileHandle Handle { get; }

    /// <summary>Size from <c>statx</c> on the handle.</summary>
    public long Length { get; }

    /// <summary>errno values that mean this process ran out of something (descriptors, memory), not that the file is bad.</summary>
    public static bool IsProcessLimit(IOException e) => e.HResult is 23 or 24 or 12; // ENFILE, EMFILE, ENOMEM

    /// <summary>Where the open handle really is (<c>/proc/self/fd/N</c>), whatever happened to the path since.</summary>
    public string? OpenedPath => new FileInfo($"/proc/self/fd/{Handle.DangerousGetHandle()}").LinkTarget;

    /// <exception cref="ImageRejectedException">Missing, no permission, or not a regular file.</exception>
    /// <exception cref="IOException">
    /// A failure that may pass (an I/O error, the path changed into a link, the process out of descriptors); worth retrying.
    /// <see cref="Exception.HResult"/> is the errno, as in .NET's own I/O errors on Unix.
    /// </exception>
    public static RegularFile Open(string path)
    {
        var fd = open(path, OpenFlags);
        if (fd < 0)
            throw OpenFailure(Marshal.GetLastPInvokeError(), path);
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var (mode, length) = Stat(handle, "", AtEmptyPath, path);
            if ((mode & FileTypeMask) != RegularFileType)
                throw new ImageRejectedException(DeadLetterReason.NotAFile, $"{path} is {Describe(mode)}, not a regular file");
            return new RegularFile(handle, length);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose() => Handle.Dispose();

    private static Exception OpenFailure(int errno, string path)
    {
        var error = Marshal.GetPInvokeErrorMessage(errno);
        switch (errno)
        {
            case 2 or 20: // ENOENT, ENOTDIR
                return new ImageRejectedException(DeadLetterReason.FileMissing, $"file not found: {path}");
            case 1 or 13: // EPERM, EACCES
                return new ImageRejectedException(DeadLetterReason.Unreadable, $"no permission to read {path}: {error}");
            case 6 or 19 or 95: // ENXIO, ENODEV, EOPNOTSUPP: what a socket or a device without a driver answers
                return new ImageRejectedException(DeadLetterReason.NotAFile, $"{path} is {DescribePath(path)}, not a regular file ({error})");
            case 36: // ENAMETOOLONG
                return new ImageRejectedException(DeadLetterReason.Unreadable, $"the path is too long: {path}");
            case 40: // ELOOP: O_NOFOLLOW met a link where the resolved path had none
                return new IOException($"{path} turned into a symbolic link after it was resolved", errno);
            default:
                return new IOException($"cannot open {path}: {error}", errno);
        }
    }

    private static string DescribePath(string path)
    {
        try
        {
            return Describe(Stat(null, path, AtSymlinkNoFollow, path).Mode);
        }
        catch (Exception e) when (e is IOException or ImageRejectedException)
        {
            return "not openable";
        }
    }

    private static string Describe(int mode) => (mode & FileTypeMask) switch
    {
        0x4000 => "a directory",
        0x1000 => "a named pipe (FIFO)",
        0xC000 => "a socket",
        0x2000 => "a character device",
        0x6000 => "a block device",
        RegularFileType => "a regular file",
        var other => $"a file of unknown type 0x{other:X}",
    };

    private const int FileTypeMask = 0xF000, RegularFileType = 0x8000;
    private const int AtEmptyPath = 0x1000, AtSymlinkNoFollow = 0x100, AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxSize = 0x200;

    // open(2) flags differ between architectures: O_NOFOLLOW is 0100000 on ARM and PowerPC, 0400000 elsewhere.
    private static readonly int OpenFlags = 0x800 /* O_NONBLOCK */ | 0x80000 /* O_CLOEXEC */ |
        (RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 or Architecture.Ppc64le ? 0x8000 : 0x20000);

    /// <summary>
    /// statx(2) rather than fstat(2): its buffer has one layout on every architecture. Mode is the u16 at offset 28, size the
    /// u64 at offset 40 of the 256-byte struct.
    /// </summary>
    private static unsafe (int Mode, long Length) Stat(SafeFileHandle? handle, string path, int flags, string nameForErrors)
    {
        var buffer = stackalloc byte[256];
        int result;
        var added = false;
        try
        {
            handle?.DangerousAddRef(ref added);
            result = statx(handle is null ? AtFdCwd : (int)handle.DangerousGetHandle(), path, flags, StatxType | StatxSize, buffer);
        }
        finally
        {
            if (added)
                handle!.DangerousRelease();
        }
        if (result != 0)
            throw new IOException($"cannot stat {nameForErrors}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return (*(ushort*)(buffer + 28), (long)*(ulong*)(buffer + 40));
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
