namespace ImageSearch.Ingestion.Sources;

/// <summary>File extensions a folder source publishes: the still-image formats OpenCV decodes.</summary>
public static class ImageExtensions
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".png", ".bmp", ".dib", ".webp", ".tif", ".tiff",
        ".jp2", ".pbm", ".pgm", ".ppm", ".pnm", ".avif",
    };

    public static bool IsImage(string path) => All.Contains(Path.GetExtension(path));
}
