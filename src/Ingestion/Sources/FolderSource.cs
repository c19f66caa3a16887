namespace ImageSearch.Ingestion.Sources;

/// <summary>Every image file under a folder, recursively, in file-system order. Other files are skipped, counted per extension.</summary>
public sealed class FolderSource(string folder) : IImageSource
{
    private readonly string _root = Path.GetFullPath(folder);

    public string Description => _root;

    public IEnumerable<SourceItem> Read(CancellationToken cancellationToken)
    {
        foreach (var file in Directory.EnumerateFiles(_root, "*", Walk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ImageExtensions.IsImage(file)
                ? new SourceImage(file)
                : new SourceSkip(file, $"not an image extension ({ExtensionOf(file)})");
        }
    }

    /// <summary>Unknown: counting would mean walking the tree twice, as slow as the publish itself on a network share.</summary>
    public long? EstimateCount(CancellationToken cancellationToken) => null;

    /// <summary>Recursive, lazy, and tolerant: an unreadable folder is passed over instead of ending the run. Hidden entries are skipped.</summary>
    internal static readonly EnumerationOptions Walk = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        MatchType = MatchType.Simple,
    };

    private static string ExtensionOf(string file) => Path.GetExtension(file) is { Length: > 0 } ext ? ext.ToLowerInvariant() : "none";
}
