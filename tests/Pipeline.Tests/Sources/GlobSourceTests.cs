using ImageSearch.Ingestion.Sources;

namespace ImageSearch.Pipeline.Tests.Sources;

public sealed class GlobSourceTests
{
    [Theory]
    [InlineData("**/*.jpg", "a.jpg b/c.jpg b/d/e.jpg")]
    [InlineData("*.jpg", "a.jpg")]
    [InlineData("b/*.jpg", "b/c.jpg")]
    [InlineData("b/**", "b/c.jpg b/d/e.jpg b/d/f.png b/g.txt")]
    [InlineData("b/**/*.{jpg,png}", "b/c.jpg b/d/e.jpg b/d/f.png")]
    [InlineData("*/d/?.png", "b/d/f.png")]
    [InlineData("**/[ce].jpg", "b/c.jpg b/d/e.jpg")]
    [InlineData("**/[!ce].jpg", "a.jpg")]
    [InlineData("**/*.JPG", "")]
    public void GlobMatchesLikeTheShell(string pattern, string expected)
    {
        using var folder = new TempFolder();
        foreach (var file in new[] { "a.jpg", "b/c.jpg", "b/d/e.jpg", "b/d/f.png", "b/g.txt" })
            folder.File(file);

        var source = ImageSources.Open(Path.Combine(folder.Path, pattern));
        var found = source.Read(TestContext.Current.CancellationToken).Cast<SourceImage>()
            .Select(i => Path.GetRelativePath(folder.Path, i.Path)).Order(StringComparer.Ordinal);

        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), found);
    }

    [Fact]
    public void WalkEntersOnlyFoldersThatCanHoldMatches()
    {
        var pattern = GlobPattern.Parse("/photos/2024-*/raw/*.jpg");

        Assert.Equal("/photos", pattern.Root);
        Assert.True(pattern.CouldMatchBelow("2024-05"));
        Assert.True(pattern.CouldMatchBelow("2024-05/raw"));
        Assert.False(pattern.CouldMatchBelow("2023-05"));
        Assert.False(pattern.CouldMatchBelow("2024-05/edited"));
        Assert.False(pattern.CouldMatchBelow("2024-05/raw/deeper"));
        Assert.True(GlobPattern.Parse("/photos/**/x/*.jpg").CouldMatchBelow("any/depth/at/all"));
    }

    [Fact]
    public void RelativeGlobIsRootedAtTheCurrentFolder()
    {
        var pattern = GlobPattern.Parse("photos/*.jpg");

        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "photos"), pattern.Root);
        Assert.True(pattern.IsMatch("a.jpg"));
        Assert.False(pattern.IsMatch("x/a.jpg"));
    }
}
