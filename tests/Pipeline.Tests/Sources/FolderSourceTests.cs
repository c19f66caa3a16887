using ImageSearch.Ingestion.Sources;

namespace ImageSearch.Pipeline.Tests.Sources;

public sealed class FolderSourceTests
{
    [Fact]
    public void FolderYieldsImagesAtEveryDepthAndSkipsOtherFilesWithTheirExtension()
    {
        using var folder = new TempFolder();
        var images = new[] { folder.File("a.jpg"), folder.File("b.JPEG"), folder.File("x/c.png"), folder.File("x/y/z/d.webp") };
        var readme = folder.File("x/readme.txt");
        folder.File("noextension");
        folder.File(".hidden/e.jpg");

        var items = new FolderSource(folder.Path).Read(TestContext.Current.CancellationToken).ToList();

        Assert.Equal(images.Order(), items.OfType<SourceImage>().Select(i => i.Path).Order());
        Assert.All(items.OfType<SourceImage>(), i => Assert.Null(i.Key));
        var skips = items.OfType<SourceSkip>().ToList();
        Assert.Equal(2, skips.Count);
        Assert.Contains(skips, s => s.Location == readme && s.Reason == "not an image extension (.txt)");
        Assert.Contains(skips, s => s.Reason == "not an image extension (none)");
    }

    [Fact]
    public void RelativeFolderGivesAbsolutePaths()
    {
        using var folder = new TempFolder();
        folder.File("sub/a.jpg");
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(folder.Path, "sub"));

        var image = Assert.IsType<SourceImage>(Assert.Single(new FolderSource(relative).Read(TestContext.Current.CancellationToken)));

        Assert.Equal(Path.Combine(folder.Path, "sub", "a.jpg"), image.Path);
    }

    [Fact]
    public void ImageSourcesRecogniseFolderCsvAndGlobAndRefuseTheRest()
    {
        using var folder = new TempFolder();
        var csv = folder.File("list.csv", "1,a.jpg");
        var text = folder.File("list.txt");

        Assert.IsType<FolderSource>(ImageSources.Open(folder.Path));
        Assert.IsType<CsvSource>(ImageSources.Open(csv));
        Assert.IsType<GlobSource>(ImageSources.Open(Path.Combine(folder.Path, "**", "*.jpg")));
        Assert.Contains("not a .csv", Assert.Throws<ArgumentException>(() => ImageSources.Open(text)).Message);
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => ImageSources.Open(Path.Combine(folder.Path, "nope"))).Message);
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => ImageSources.Open(Path.Combine(folder.Path, "nope", "*.jpg"))).Message);
    }
}
