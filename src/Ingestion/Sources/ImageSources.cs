namespace ImageSearch.Ingestion.Sources;

/// <summary>Turns the <c>publish</c> argument into a source: a folder, a CSV file, or a glob.</summary>
public static class ImageSources
{
    /// <exception cref="ArgumentException">The argument is none of these, or names nothing that exists.</exception>
    public static IImageSource Open(string source)
    {
        if (Directory.Exists(source))
            return new FolderSource(source);
        if (File.Exists(source))
            return Path.GetExtension(source).Equals(".csv", StringComparison.OrdinalIgnoreCase)
                ? new CsvSource(source)
                : throw new ArgumentException($"'{source}' is a file but not a .csv: give a folder, a glob or a CSV of id,path,label");
        if (GlobPattern.IsGlob(source))
        {
            var pattern = GlobPattern.Parse(source);
            return Directory.Exists(pattern.Root)
                ? new GlobSource(pattern, source)
                : throw new ArgumentException($"the folder '{pattern.Root}' of the glob '{source}' does not exist");
        }
        throw new ArgumentException($"'{source}' does not exist (expected a folder, a glob or a CSV of id,path,label)");
    }
}
