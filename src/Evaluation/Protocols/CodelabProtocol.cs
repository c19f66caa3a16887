namespace ImageSearch.Evaluation.Protocols;

/// <summary>
/// The codelab's protocol on the user's own data: a gallery CSV (<see cref="GalleryCsv"/>) and a folder of query images,
/// each in a subfolder named by its label (<c>queries/&lt;label&gt;/photo.jpg</c>). Relevant: gallery rows of that label.
/// </summary>
public static class CodelabProtocol
{
    public const string Name = "codelab";

    public static EvaluationSet Load(string galleryCsv, string queryFolder)
    {
        var gallery = GalleryCsv.Read(galleryCsv);
        var root = Path.GetFullPath(queryFolder);
        var queries = new List<QueryImage>();
        foreach (var file in ImageFolder.List(root))
        {
            var relative = Path.GetRelativePath(root, file);
            var separator = relative.IndexOf(Path.DirectorySeparatorChar);
            if (separator < 0)
                throw new FormatException($"{file}: a query image must sit in a folder named by its label ({root}/<label>/{relative})");
            queries.Add(new QueryImage(file, relative[..separator]));
        }
        if (queries.Count == 0)
            throw new FormatException($"{root}: no query images (expected {root}/<label>/<image>)");
        return new EvaluationSet(Name, gallery, queries);
    }
}
