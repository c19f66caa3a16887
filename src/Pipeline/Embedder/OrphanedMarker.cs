using System.Text.Json;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// A <see cref="DecodeMarker"/> whose process is dead, held under its lock while it is dealt with, so that no other process
/// deals with it at the same time.
/// </summary>
internal sealed class OrphanedMarker : IDisposable
{
    private readonly FileStream _file;

    private OrphanedMarker(FileStream file)
    {
        _file = file;
        Blamed = Read(file);
    }

    /// <summary>
    /// What the dead process had in hand, when its death is that image's doing; null when it died between images or with
    /// the machine (another boot), or was cut off mid-write.
    /// </summary>
    public DecodeMarkerEntry? Blamed { get; }

    /// <summary>The markers in <paramref name="folder"/> that no live process holds, except <paramref name="own"/>.</summary>
    public static IEnumerable<OrphanedMarker> Find(string folder, string? own)
    {
        if (!Directory.Exists(folder))
            yield break;
        foreach (var path in Directory.EnumerateFiles(folder, DecodeMarker.FilePattern))
        {
            if (path == own)
                continue;
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // locked by its live process, or just deleted by another one
            }
            yield return new OrphanedMarker(file);
        }
    }

    public void Delete() => File.Delete(_file.Name);

    public void Dispose() => _file.Dispose();

    private static DecodeMarkerEntry? Read(FileStream file)
    {
        if (file.Length == 0)
            return null;
        try
        {
            var entry = JsonSerializer.Deserialize<DecodeMarkerEntry>(file);
            return entry?.BootId == DecodeMarkerEntry.CurrentBoot ? entry : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
