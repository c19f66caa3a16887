using ImageSearch.Ingestion.Sources;

namespace ImageSearch.Evaluation.Protocols;

/// <summary>
/// The codelab's gallery CSV, <c>id,path,label</c>, read strictly: an evaluation must know every gallery image, so any
/// bad row (wrong column count, empty field, duplicate id, missing file) is an error naming its line, never a skip.
/// A first line naming the columns (<c>path</c>, <c>id</c>, <c>label</c> in any order) is a header. Relative paths are
/// taken from the CSV's folder. Lines are split by the ingestor's own CSV reader (<see cref="CsvLine"/>).
/// </summary>
public static class GalleryCsv
{
    public static IReadOnlyList<GalleryImage> Read(string file)
    {
        file = Path.GetFullPath(file);
        if (!File.Exists(file))
            throw new FileNotFoundException($"gallery CSV not found: {file}", file);
        var folder = Path.GetDirectoryName(file)!;
        var (id, path, label) = (0, 1, 2);
        var images = new List<GalleryImage>();
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(file))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var fields = CsvLine.Split(line, out var error) ?? throw Bad(file, number, error!);
            if (number == 1 && fields.FindIndex(f => f.Equals("path", StringComparison.OrdinalIgnoreCase)) is var named and >= 0)
            {
                (id, path, label) = (Column(fields, "id", file), named, Column(fields, "label", file));
                continue;
            }
            if (fields.Count != 3)
                throw Bad(file, number, $"expected 3 fields (id,path,label), found {fields.Count}");
            if (fields.FindIndex(f => f.Length == 0) is var empty and >= 0)
                throw Bad(file, number, $"field {empty + 1} is empty");
            if (lines.TryGetValue(fields[id], out var first))
                throw Bad(file, number, $"id '{fields[id]}' already used on line {first}");
            var full = Path.GetFullPath(fields[path], folder);
            if (!File.Exists(full))
                throw Bad(file, number, $"image not found: {full}");
            lines[fields[id]] = number;
            images.Add(new GalleryImage(fields[id], full, fields[label]));
        }
        if (images.Count == 0)
            throw new FormatException($"{file}: no gallery rows");
        return images;
    }

    private static int Column(List<string> header, string name, string file) =>
        header.FindIndex(f => f.Equals(name, StringComparison.OrdinalIgnoreCase)) is var index and >= 0
            ? index
            : throw Bad(file, 1, $"the header names no '{name}' column");

    private static FormatException Bad(string file, int line, string why) => new($"{file}:{line}: {why}");
}
