namespace ImageSearch.TestSupport;

/// <summary>
/// Locates the shared image data (<c>../shared/data</c> beside the repository, or <c>IMAGESEARCH_DATA</c>).
/// The images are ImageNet photos that must never be committed, so tests read them in place.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(Find);

    /// <summary>The data folder, or null when it is not on this machine.</summary>
    public static string? Directory => Root.Value;

    /// <summary>The 100 codelab query photos (<c>imagenet-100/test/&lt;class&gt;/&lt;wnid&gt;_&lt;id&gt;.JPEG</c>).</summary>
    public static string ImageNet100 => Path.Combine(Require(), "imagenet-100", "test");

    /// <summary>One downscaled photo per ImageNet class (<c>&lt;wnid&gt;_&lt;class&gt;.JPEG</c>).</summary>
    public static string ImageNet1k => Path.Combine(Require(), "imagenet-1k-samples");

    public static IReadOnlyList<string> ImageNet100Files =>
        System.IO.Directory.EnumerateFiles(ImageNet100, "*.JPEG", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <summary>Skips the calling test, saying why, when the data is missing.</summary>
    public static string Require()
    {
        Prerequisite.Require(Directory is null ? "shared image data not found: expected ../shared/data beside the repository or IMAGESEARCH_DATA" : null);
        return Directory!;
    }

    private static string? Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("IMAGESEARCH_DATA");
        if (!string.IsNullOrEmpty(fromEnv) && System.IO.Directory.Exists(fromEnv))
            return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (System.IO.Directory.Exists(Path.Combine(candidate, "imagenet-100")))
                return candidate;
        }
        return null;
    }
}
