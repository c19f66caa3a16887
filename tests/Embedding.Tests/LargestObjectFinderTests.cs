using ImageSearch.Embedding.Imaging;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

public sealed class LargestObjectFinderTests
{
    private static readonly ObjectCropOptions Defaults = new();
    private readonly LargestObjectFinder _finder = new(Defaults);

    [Fact]
    public void AnObjectOnAPlainBackdropIsBoxedWithItsMargin()
    {
        using var image = Backdrop(800, 600);
        var objectBox = new Rect(480, 90, 220, 300);
        DrawObject(image, objectBox);

        var found = _finder.Find(image);

        AssertBoxed(objectBox, found, image.Size());
    }

    [Fact]
    public void TheLargerOfTwoObjectsWins()
    {
        using var image = Backdrop(900, 700);
        var large = new Rect(60, 300, 320, 340);
        var small = new Rect(650, 60, 120, 110);
        DrawObject(image, large);
        DrawObject(image, small);

        var found = _finder.Find(image);

        AssertBoxed(large, found, image.Size());
        Assert.False(found.Contains(new Point(small.X + small.Width / 2, small.Y + small.Height / 2)), $"{found} reaches the small object {small}");
    }

    [Fact]
    public void AnEmptyBackdropIsUsedWhole()
    {
        using var image = Backdrop(640, 480);

        Assert.Equal(new Rect(0, 0, 640, 480), _finder.Find(image));
    }

    [Fact]
    public void ASpeckBelowTheMinimumAreaIsUsedWhole()
    {
        using var image = Backdrop(640, 480);
        DrawObject(image, new Rect(300, 200, 20, 20));

        Assert.Equal(new Rect(0, 0, 640, 480), _finder.Find(image));
    }

    /// <summary>A border of several colours is a scene, not a backdrop: cropping it would cut the photo arbitrarily.</summary>
    [Fact]
    public void ASceneWithoutAPlainBorderIsUsedWhole()
    {
        using var image = TestImages.Pattern(640, 480);
        DrawObject(image, new Rect(200, 150, 200, 150));

        Assert.Equal(new Rect(0, 0, 640, 480), _finder.Find(image));
    }

    /// <summary>Light grey with sensor-like noise, so the background is plain but not perfectly flat.</summary>
    private static Mat Backdrop(int width, int height)
    {
        var image = new Mat(height, width, MatType.CV_8UC3, new Scalar(197, 202, 207));
        using var noise = new Mat(height, width, MatType.CV_8UC3);
        Cv2.Randn(noise, new Scalar(8, 8, 8), new Scalar(4, 4, 4));
        Cv2.Add(image, noise, image);
        return image;
    }

    /// <summary>A textured object filling <paramref name="box"/>: a dark body with light stripes (parts near the backdrop's colour).</summary>
    private static void DrawObject(Mat image, Rect box)
    {
        Cv2.Rectangle(image, box, new Scalar(40, 90, 160), thickness: -1);
        for (var y = box.Y + 10; y < box.Bottom - 10; y += 30)
            Cv2.Line(image, new Point(box.X + 10, y), new Point(box.Right - 10, y), new Scalar(200, 205, 210), thickness: 4);
    }

    /// <summary>The box holds the whole object and no more than its margin (plus the rounding of the finder's small working copy).</summary>
    private static void AssertBoxed(Rect objectBox, Rect found, Size image)
    {
        var slack = (int)Math.Ceiling(2.0 * Math.Max(image.Width, image.Height) / 256);
        var marginX = (int)Math.Ceiling(objectBox.Width * Defaults.Margin);
        var marginY = (int)Math.Ceiling(objectBox.Height * Defaults.Margin);
        Assert.True(found.Left <= objectBox.Left && found.Top <= objectBox.Top && found.Right >= objectBox.Right && found.Bottom >= objectBox.Bottom,
            $"{found} does not hold the object {objectBox}");
        Assert.True(found.Left >= objectBox.Left - marginX - slack && found.Top >= objectBox.Top - marginY - slack
            && found.Right <= objectBox.Right + marginX + slack && found.Bottom <= objectBox.Bottom + marginY + slack,
            $"{found} is larger than the object {objectBox} with its margin");
    }
}
