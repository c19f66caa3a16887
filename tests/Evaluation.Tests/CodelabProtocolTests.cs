using ImageSearch.Evaluation.Protocols;

namespace ImageSearch.Evaluation.Tests;

public sealed class CodelabProtocolTests
{
    [Fact]
    public void QueryLabelsAreTheirFolderNames()
    {
        using var folder = new TempFolder();
        folder.File("g/a.jpg");
        var csv = folder.File("gallery.csv", "id,path,label\n1,g/a.jpg,cat\n");
        var cat = folder.File("queries/cat/x.jpg");
        var dog = folder.File("queries/dog/deeper/y.png");
        folder.File("queries/dog/notes.txt");

        var set = CodelabProtocol.Load(csv, Path.Combine(folder.Path, "queries"));

        Assert.Equal([new QueryImage(cat, "cat"), new QueryImage(dog, "dog")], set.Queries);
        Assert.Single(set.Gallery);
    }

    [Fact]
    public void AQueryOutsideALabelFolderIsAnError()
    {
        using var folder = new TempFolder();
        folder.File("a.jpg");
        var csv = folder.File("gallery.csv", "1,a.jpg,cat\n");
        var stray = folder.File("queries/x.jpg");

        var error = Assert.Throws<FormatException>(() => CodelabProtocol.Load(csv, Path.Combine(folder.Path, "queries")));

        Assert.StartsWith(stray, error.Message);
    }

    [Fact]
    public void AnEmptyQueryFolderIsAnError()
    {
        using var folder = new TempFolder();
        folder.File("a.jpg");
        var csv = folder.File("gallery.csv", "1,a.jpg,cat\n");
        Directory.CreateDirectory(Path.Combine(folder.Path, "queries"));

        Assert.Throws<FormatException>(() => CodelabProtocol.Load(csv, Path.Combine(folder.Path, "queries")));
    }
}
