namespace ImageSearch.Evaluation.Protocols;

/// <summary>
/// The shared data's class protocol (shared/data/README.md): the 1,000 imagenet-1k-samples (one per class) as the gallery,
/// the 100 imagenet-100 test photos as queries, and the one gallery photo of the query's WordNet id as its relevant image.
/// </summary>
public static class ClassProtocol
{
    public const string Name = "class";

    public static EvaluationSet Load(string dataFolder)
    {
        var gallery = ImageFolder.List(Path.Combine(dataFolder, "imagenet-1k-samples"))
            .Select((path, i) => new GalleryImage((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), path, Wnid(path)))
            .ToList();
        var queries = ImageFolder.List(Path.Combine(dataFolder, "imagenet-100", "test"))
            .Select(path => new QueryImage(path, Wnid(path)))
            .ToList();
        return new EvaluationSet(Name, gallery, queries);
    }

    /// <summary>WordNet id: the file name up to the first underscore (<c>n01440764_tench.JPEG</c>, <c>n01440764_123.JPEG</c>).</summary>
    public static string Wnid(string path) => Path.GetFileName(path).Split('_')[0];
}
