using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

public sealed class ImageDecoderTests(EmbedderFixture fixture)
{
    private readonly ImageDecoder _decoder = fixture.Decoder;

    public static TheoryData<string, ImageFormat> Formats() => new()
    {
        { ".jpg", ImageFormat.Jpeg }, { ".png", ImageFormat.Png }, { ".bmp", ImageFormat.Bmp },
        { ".gif", ImageFormat.Gif }, { ".webp", ImageFormat.WebP }, { ".tiff", ImageFormat.Tiff },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void EachFormatDecodesToSameSizeBgr(string extension, ImageFormat format)
    {
        using var original = TestImages.Pattern(120, 90);
        var bytes = TestImages.Encode(original, extension);

        Assert.Equal(new ImageHeader(format, 120, 90), ImageHeaderReader.Read(bytes));
        using var decoded = _decoder.Decode(bytes);

        Assert.Equal(MatType.CV_8UC3, decoded.Type());
        Assert.Equal(original.Size(), decoded.Size());
        // Lossy codecs and GIF's palette move colours a little, never swap channels.
        Assert.True(TestImages.MeanAbsDiff(original, decoded) < 4, $"{extension} colours changed too much");
    }

    [Fact]
    public void WebPLosslessAndExtendedHeadersGiveTheSize()
    {
        using var original = TestImages.Pattern(77, 51);
        var lossless = TestImages.Encode(original, ".webp", new ImageEncodingParam(ImwriteFlags.WebPQuality, 101));

        Assert.Equal(new ImageHeader(ImageFormat.WebP, 77, 51), ImageHeaderReader.Read(lossless));
        using var decoded = _decoder.Decode(lossless);
        Assert.Equal(0, TestImages.MaxAbsDiff(original, decoded));
    }

    [Fact]
    public void SixteenBitPngBecomesEightBit()
    {
        using var original = TestImages.Pattern(64, 48);
        using var wide = new Mat();
        original.ConvertTo(wide, MatType.CV_16UC3, 257); // 255 → 65535

        using var decoded = _decoder.Decode(TestImages.Encode(wide, ".png"));

        Assert.Equal(MatType.CV_8UC3, decoded.Type());
        Assert.Equal(0, TestImages.MaxAbsDiff(original, decoded));
    }

    [Fact]
    public void GrayscalePngBecomesThreeEqualChannels()
    {
        using var gray = new Mat(40, 50, MatType.CV_8UC1);
        Cv2.Randu(gray, 0, 256);

        using var decoded = _decoder.Decode(TestImages.Encode(gray, ".png"));

        Assert.Equal(MatType.CV_8UC3, decoded.Type());
        foreach (var channel in decoded.Split())
            Assert.Equal(0, TestImages.MaxAbsDiff(gray, channel));
    }

    [Fact]
    public void CmykJpegBecomesBgr()
    {
        var bytes = File.ReadAllBytes(TestImages.Fixture("cmyk.jpg"));

        using var decoded = _decoder.Decode(bytes);

        Assert.Equal(MatType.CV_8UC3, decoded.Type());
        Assert.Equal(new Size(64, 48), decoded.Size());
        // Colours survive the CMYK round trip within JPEG error: the centre of each quadrant.
        for (var row = 0; row < 2; row++)
            for (var column = 0; column < 2; column++)
            {
                TestImages.AssertColourNear(TestImages.QuadrantColour(column, row), decoded.At<Vec3b>(12 + 24 * row, 16 + 32 * column), 40);
            }
    }

    [Fact]
    public void AnimatedGifGivesItsFirstFrame()
    {
        using var red = new Mat(40, 60, MatType.CV_8UC3, new Scalar(0, 0, 255));
        using var blue = new Mat(40, 60, MatType.CV_8UC3, new Scalar(255, 0, 0));
        var path = Path.Combine(fixture.Scratch, "animated.gif");
        Assert.True(Cv2.ImWrite(path, [red, blue]));

        using var decoded = _decoder.Decode(File.ReadAllBytes(path));

        Assert.Equal(new Size(60, 40), decoded.Size());
        Assert.True(TestImages.MaxAbsDiff(red, decoded) < 10, "the first frame (red) was expected");
    }

    [Theory]
    [InlineData(0)]   // full decode
    [InlineData(224)] // 1200×800 → reduced by 2 (600×400 keeps both sides ≥ 224; 1/4 would not)
    public void ExifOrientationIsApplied(int minimumSide)
    {
        using var original = TestImages.Pattern(1200, 800);
        var rotated = ImageBytes.WithExifOrientation(TestImages.Encode(original, ".jpg"), orientation: 6); // 90° clockwise

        using var decoded = _decoder.Decode(rotated, minimumSide);

        var scale = minimumSide == 0 ? 1 : 2;
        Assert.Equal(new Size(800 / scale, 1200 / scale), decoded.Size());
        // After a clockwise turn the red top-left quadrant is top-right, and blue (bottom-left) is top-left.
        TestImages.AssertColourNear(TestImages.QuadrantColour(0, 0), decoded.At<Vec3b>(10, decoded.Width - 10));
        TestImages.AssertColourNear(TestImages.QuadrantColour(0, 1), decoded.At<Vec3b>(10, 10));
    }

    [Theory]
    [InlineData(4000, 3000, 224, ImreadModes.ReducedColor8)]
    [InlineData(1200, 900, 224, ImreadModes.ReducedColor4)]
    [InlineData(600, 500, 224, ImreadModes.ReducedColor2)]
    [InlineData(400, 300, 224, ImreadModes.Color)]
    [InlineData(4000, 3000, 0, ImreadModes.Color)]
    public void ReducedDecodingKeepsTheShorterSideAtLeastTheInputSize(int width, int height, int minimumSide, ImreadModes expected)
    {
        var bytes = TestImages.Jpeg(width, height);

        Assert.Equal(expected, _decoder.ChooseMode(ImageHeaderReader.Read(bytes), minimumSide));
        using var decoded = _decoder.Decode(bytes, minimumSide);
        Assert.True(Math.Min(decoded.Width, decoded.Height) >= minimumSide);
        Assert.True(decoded.Width <= width);
    }

    [Fact]
    public void ReducedDecodingIsOnlyUsedForJpeg()
    {
        var png = TestImages.Encode(TestImages.Pattern(1200, 900), ".png");

        Assert.Equal(ImreadModes.Color, _decoder.ChooseMode(ImageHeaderReader.Read(png), 224));
    }
}
