using ImageSearch.Evaluation.NearDuplicates;
using ImageSearch.Evaluation.Protocols;
using OpenCvSharp;

namespace ImageSearch.Evaluation.Tests;

/// <summary>Runs on the repository's own sample photos (samples/images), which are always there.</summary>
public sealed class NearDuplicateGeneratorTests
{
    private static readonly string[] Photos =
        ImageFolder.List(Path.Combine(ServiceBuild.RepositoryRoot, "samples", "images")).Take(4).ToArray();

    [Fact]
    public void TheSameSeedWritesTheSameBytes()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();

        var a = NearDuplicateGenerator.Generate(Photos, first.Path, copies: 18, seed: 5, cancellationToken: TestContext.Current.CancellationToken);
        var b = NearDuplicateGenerator.Generate(Photos, second.Path, copies: 18, seed: 5, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(a.Select(c => (Path.GetRelativePath(first.Path, c.Path), c.Original, c.Edit)),
            b.Select(c => (Path.GetRelativePath(second.Path, c.Path), c.Original, c.Edit)));
        for (var i = 0; i < a.Count; i++)
            Assert.True(File.ReadAllBytes(a[i].Path).AsSpan().SequenceEqual(File.ReadAllBytes(b[i].Path)), $"{a[i].Path} differs");
    }

    [Fact]
    public void AnotherSeedWritesOtherCopies()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();

        var a = NearDuplicateGenerator.Generate(Photos, first.Path, copies: 9, seed: 1, cancellationToken: TestContext.Current.CancellationToken);
        var b = NearDuplicateGenerator.Generate(Photos, second.Path, copies: 9, seed: 2, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains(Enumerable.Range(0, 9), i => !File.ReadAllBytes(a[i].Path).AsSpan().SequenceEqual(File.ReadAllBytes(b[i].Path)));
    }

    [Fact]
    public void EveryEditGetsItsShareAndWritesADecodableImage()
    {
        using var folder = new TempFolder();
        var edits = Enum.GetValues<ImageEdit>();

        var copies = NearDuplicateGenerator.Generate(Photos, folder.Path, copies: 2 * edits.Length, seed: 42, cancellationToken: TestContext.Current.CancellationToken);

        Assert.All(edits, edit => Assert.Equal(2, copies.Count(c => c.Edit == edit)));
        foreach (var copy in copies)
        {
            using var image = Cv2.ImRead(copy.Path, ImreadModes.Color);
            Assert.False(image.Empty(), $"{copy.Edit} copy {copy.Path} does not decode");
            Assert.True(image.Width >= 16 && image.Height >= 16, $"{copy.Edit} copy is {image.Width}×{image.Height}");
        }
        // Each edit's two copies come from two different photos.
        Assert.All(edits, edit => Assert.Equal(2, copies.Where(c => c.Edit == edit).Select(c => c.Original).Distinct().Count()));
    }

    [Fact]
    public void EditsChangeThePhotoAsNamed()
    {
        using var photo = Cv2.ImRead(Photos[0], ImreadModes.Color);
        using var flipped = NearDuplicateEditor.Apply(photo, ImageEdit.Flip, new Random(1));
        using var gray = NearDuplicateEditor.Apply(photo, ImageEdit.Grayscale, new Random(1));
        using var bordered = NearDuplicateEditor.Apply(photo, ImageEdit.Border, new Random(1));
        using var cropped = NearDuplicateEditor.Apply(photo, ImageEdit.Crop, new Random(1));

        Assert.Equal(photo.At<Vec3b>(0, 0), flipped.At<Vec3b>(0, photo.Width - 1));
        var pixel = gray.At<Vec3b>(photo.Height / 2, photo.Width / 2);
        Assert.True(pixel.Item0 == pixel.Item1 && pixel.Item1 == pixel.Item2);
        Assert.True(bordered.Width > photo.Width && bordered.Height > photo.Height);
        Assert.True(cropped.Width < photo.Width && cropped.Height < photo.Height);
    }

    [Fact]
    public void TheProtocolMakesEachOriginalTheOneRelevantImageOfItsCopies()
    {
        using var folder = new TempFolder();
        var copies = NearDuplicateGenerator.Generate(Photos[..2], folder.Path, copies: 3, seed: 1, [ImageEdit.Flip, ImageEdit.Text], TestContext.Current.CancellationToken);

        var set = NearDuplicateProtocol.Create(Photos[..2], distractors: Photos, copies);

        Assert.Equal(Photos.Length, set.Gallery.Count);
        Assert.Equal(["Flip", "Text", "Flip"], set.Queries.Select(q => q.Group));
        Assert.All(set.Queries, q => Assert.Single(set.Gallery, g => g.Label == q.Label));
    }
}
