using System.Text.Json;
using ImageSearch.Contracts;

namespace ImageSearch.Pipeline.Embedder;

/// <summary>
/// Images that killed an embedder on this host, one small file each under <c>crashed/</c>, keyed like the journal (image,
/// collection, attempt): their redeliveries are answered with the dead letter instead of another decode, while a replay
/// (the next attempt) is tried afresh. Files are written once and only read by name, so processes share them without locks.
/// </summary>
internal sealed class CrashedImages(string folder)
{
    // Redeliveries follow a crash within minutes; a week also covers a broker that was down for days meanwhile.
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly string _folder = Path.Combine(folder, "crashed");

    public bool Contains(EmbedImage image) => File.Exists(PathOf(image));

    public void Add(EmbedImage image)
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllBytes(PathOf(image), JsonSerializer.SerializeToUtf8Bytes(image));
    }

    /// <summary>Forgets images recorded longer ago than the retention.</summary>
    public void Prune()
    {
        if (!Directory.Exists(_folder))
            return;
        var before = DateTime.UtcNow - Retention;
        foreach (var file in new DirectoryInfo(_folder).EnumerateFiles())
            if (file.LastWriteTimeUtc < before)
                file.Delete();
    }

    // A collection name may hold any character; its hash, made like image ids, is safe in a file name.
    private string PathOf(EmbedImage image) =>
        Path.Combine(_folder, $"{image.ImageId}-{ImageIds.FromKey(image.Collection ?? "")}-{image.Attempt}.json");
}
