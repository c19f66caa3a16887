using ImageSearch.Evaluation.Protocols;

namespace ImageSearch.Evaluation.Tests;

public sealed class GalleryCsvTests
{
    [Fact]
    public void ReadsRowsWithPathsRelativeToTheCsv()
    {
        using var folder = new TempFolder();
        var image = folder.File("photos/a.jpg");
        var csv = folder.File("gallery.csv", "1,photos/a.jpg,cat\n\n\"2\",\"photos/a.jpg\",\"big, cat\"\n");

        var rows = GalleryCsv.Read(csv);

        Assert.Equal([new GalleryImage("1", image, "cat"), new GalleryImage("2", image, "big, cat")], rows);
    }

    [Fact]
    public void AHeaderMapsTheColumnsByName()
    {
        using var folder = new TempFolder();
        var image = folder.File("a.jpg");
        var csv = folder.File("gallery.csv", "label,id,path\ncat,7,a.jpg\n");

        Assert.Equal([new GalleryImage("7", image, "cat")], GalleryCsv.Read(csv));
    }

    [Theory]
    [InlineData("1,a.jpg\n", ":1: expected 3 fields (id,path,label), found 2")]
    [InlineData("1,a.jpg,cat,extra\n", ":1: expected 3 fields (id,path,label), found 4")]
    [InlineData("1,a.jpg,cat\n2,a.jpg,\n", ":2: field 3 is empty")]
    [InlineData("1,a.jpg,cat\n1,a.jpg,dog\n", ":2: id '1' already used on line 1")]
    [InlineData("1,missing.jpg,cat\n", ":1: image not found: ")]
    [InlineData("1,\"a.jpg,cat\n", ":1: unterminated quote")]
    [InlineData("id,path\n1,a.jpg,cat\n", ":1: the header names no 'label' column")]
    [InlineData("\n\n", ": no gallery rows")]
    public void ABadRowIsAnErrorNamingItsLine(string content, string message)
    {
        using var folder = new TempFolder();
        folder.File("a.jpg");
        var csv = folder.File("gallery.csv", content);

        var error = Assert.Throws<FormatException>(() => GalleryCsv.Read(csv));

        Assert.StartsWith(csv, error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void AMissingCsvSaysSo()
    {
        Assert.Throws<FileNotFoundException>(() => GalleryCsv.Read("/nonexistent/gallery.csv"));
    }
}
