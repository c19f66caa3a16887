using ImageSearch.Ingestion.Sources;

namespace ImageSearch.Evaluation.Protocols;

/// <summary>The image files under a folder, recursively, in ordinal order so every run sees the same list.</summary>
public static class ImageFolder
{
    public static IReadOnlyList<string> List(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"folder not found: {folder}");
        return Directory.EnumerateFiles(Path.GetFullPath(folder), "*", SearchOption.AllDirectories)
            .Where(ImageExtensions.IsImage)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
