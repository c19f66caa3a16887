using System.Text.Json;
using ImageSearch.Contracts;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// This process's crash marker: names the image it is decoding one at a time, and is empty in between. The process keeps
/// the file open under an exclusive lock for its whole life (.NET takes a <c>flock</c> for <see cref="FileShare.None"/>),
/// and the kernel drops that lock when the process dies, however it dies: a marker that another process can lock belongs
/// to a dead process (<see cref="OrphanedMarker"/>). Created at start (so a folder that cannot hold it fails the start, not a
/// redelivered batch); deleted when the process stops normally.
/// Not thread-safe: it is only used while a batch embeds alone.
/// </summary>
internal sealed class DecodeMarker(string folder) : IDisposable
{
    public const string FilePattern = "decoding-*.json";

    private FileStream? _file;

    /// <summary>The marker's path; null until it is opened.</summary>
    public string? FilePath => _file?.Name;

    /// <summary>Creates the marker, empty, unless it exists already.</summary>
    public void Open() => _file ??= Create();

    public void Set(EmbedImage image)
    {
        var file = _file ??= Create();
        var entry = new DecodeMarkerEntry(image, Environment.ProcessId, Environment.MachineName, DecodeMarkerEntry.CurrentBoot, DateTimeOffset.UtcNow);
        file.SetLength(0);
        file.Write(JsonSerializer.SerializeToUtf8Bytes(entry));
        // In the kernel's page cache now, which outlives this process; no fsync: a power cut is not the image's fault anyway.
        file.Flush();
    }

    public void Clear()
    {
        _file?.SetLength(0);
        _file?.Flush();
    }

    private FileStream Create()
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"decoding-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
    }

    public void Dispose()
    {
        if (_file is null)
            return;
        File.Delete(_file.Name);
        _file.Dispose();
    }
}

/// <summary>What a marker holds: the image in hand and who had it.</summary>
/// <param name="BootId">The kernel's boot id: a marker from before a reboot tells of a machine that stopped, not of a crash.</param>
internal sealed record DecodeMarkerEntry(EmbedImage Image, int ProcessId, string Host, string BootId, DateTimeOffset Since)
{
    public static readonly string CurrentBoot =
        File.Exists("/proc/sys/kernel/random/boot_id") ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : "";
}
