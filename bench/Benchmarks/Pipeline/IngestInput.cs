namespace ImageSearch.Benchmarks.Pipeline;

/// <summary>What the ingest benchmarks publish: the 1,100 shared photos, repeated under distinct ids.</summary>
internal static class IngestInput
{
    /// <summary>imagenet-100 and imagenet-1k-samples, in a fixed order.</summary>
    public static List<string> Photos(string dataFolder) =>
        Directory.EnumerateFiles(Path.Combine(dataFolder, "imagenet-100"), "*.JPEG", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(dataFolder, "imagenet-1k-samples"), "*.JPEG"))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>A CSV of <paramref name="count"/> distinct ids over the photos, repeated: every line is a new image to the store.</summary>
    public static string WriteCsv(string path, List<string> photos, int count)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("id,path,label");
        for (var i = 0; i < count; i++)
            writer.WriteLine($"{i + 1},{photos[i % photos.Count]},bench");
        return path;
    }
}
