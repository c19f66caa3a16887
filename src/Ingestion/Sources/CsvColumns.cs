namespace ImageSearch.Ingestion.Sources;

/// <summary>Which CSV column holds the id, the path and the label.</summary>
internal sealed record CsvColumns(int Id, int Path, int Label)
{
    public static readonly CsvColumns Positional = new(0, 1, 2);

    /// <summary>The columns named by a header line, or null when the line is data (it names no <c>path</c> column).</summary>
    public static CsvColumns? FromHeader(List<string> fields)
    {
        var path = fields.FindIndex(f => f.Equals("path", StringComparison.OrdinalIgnoreCase));
        return path < 0 ? null : new CsvColumns(
            fields.FindIndex(f => f.Equals("id", StringComparison.OrdinalIgnoreCase)),
            path,
            fields.FindIndex(f => f.Equals("label", StringComparison.OrdinalIgnoreCase)));
    }

    public SourceItem ToItem(List<string> fields, string folder, string location)
    {
        if (Path >= fields.Count)
            return new SourceSkip(location, "no path column");
        var path = fields[Path];
        if (path.Length == 0)
            return new SourceSkip(location, "empty path");
        if (path.Contains('\0'))
            return new SourceSkip(location, "invalid path");
        return new SourceImage(
            System.IO.Path.GetFullPath(path, folder),
            Key: Field(fields, Id),
            Label: Field(fields, Label));
    }

    private static string? Field(List<string> fields, int index) =>
        index >= 0 && index < fields.Count && fields[index].Length > 0 ? fields[index] : null;
}
