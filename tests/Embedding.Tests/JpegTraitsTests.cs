using ImageSearch.Embedding.Gpu;
using ImageSearch.TestSupport;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>Which JPEGs the GPU decode path takes, and which it leaves to the CPU (which decodes them as it always has).</summary>
public sealed class JpegTraitsTests
{
    private static byte[] Colour(params ImageEncodingParam[] parameters)
    {
        using var image = TestImages.Pattern(320, 240);
        return TestImages.Encode(image, ".jpg", parameters);
    }

    [Fact]
    public void ABaselineColourJpegGoesToTheGpu()
    {
        var traits = JpegTraits.Read(Colour());

        Assert.True(traits.FitsGpu, traits.ToString());
        Assert.Equal(3, traits.Components);
        Assert.Equal(8, traits.Precision);
    }

    [Fact]
    public void ProgressiveGrayscaleAndRotatedJpegsStayOnTheCpu()
    {
        using var gray = new Mat(240, 320, MatType.CV_8UC1, Scalar.All(90));

        var progressive = JpegTraits.Read(Colour(new ImageEncodingParam(ImwriteFlags.JpegProgressive, 1)));
        var grayscale = JpegTraits.Read(TestImages.Encode(gray, ".jpg"));
        var rotated = JpegTraits.Read(ImageBytes.WithExifOrientation(Colour(), 6));
        var upright = JpegTraits.Read(ImageBytes.WithExifOrientation(Colour(), 1));

        Assert.False(progressive.Sequential);
        Assert.False(progressive.FitsGpu);
        Assert.Equal(1, grayscale.Components);
        Assert.False(grayscale.FitsGpu);
        Assert.Equal(6, rotated.Orientation);
        Assert.False(rotated.FitsGpu);
        Assert.True(upright.FitsGpu);
    }

    [Fact]
    public void BytesThatAreNotAJpegNeverGoToTheGpu()
    {
        using var image = TestImages.Pattern(64, 64);

        Assert.False(JpegTraits.Read(TestImages.Encode(image, ".png")).FitsGpu);
        Assert.False(JpegTraits.Read([0xFF, 0xD8, 0xFF]).FitsGpu);
        Assert.False(JpegTraits.Read(Colour().AsSpan(0, 40)).FitsGpu);
    }
}
