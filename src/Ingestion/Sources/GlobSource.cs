using System.IO.Enumeration;

namespace ImageSearch.Ingestion.Sources;

/// <summary>Files matching a glob, walked lazily from its literal root and only into folders that can hold matches.</summary>
public sealed class GlobSource(GlobPattern pattern, string text) : IImageSource
{
    public string Description => text;

    public IEnumerable<SourceItem> Read(CancellationToken cancellationToken)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FolderSource.Walk.AttributesToSkip,
            MaxRecursionDepth = pattern.HasFixedDepth ? pattern.Depth : int.MaxValue,
        };
        var rootLength = pattern.Root.TrimEnd('/').Length + 1;
        var files = new FileSystemEnumerable<string>(pattern.Root, (ref FileSystemEntry entry) => entry.ToFullPath(), options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
                !entry.IsDirectory && pattern.IsMatch(entry.ToFullPath()[rootLength..]),
            ShouldRecursePredicate = (ref FileSystemEntry entry) =>
                pattern.CouldMatchBelow(entry.ToFullPath()[rootLength..]),
        };
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new SourceImage(file);
        }
    }

    /// <summary>Unknown: it would take a second walk of the tree.</summary>
    public long? EstimateCount(CancellationToken cancellationToken) => null;
}
