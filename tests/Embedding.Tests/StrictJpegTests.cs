using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>
/// Damaged entropy-coded data: libjpeg only warns and OpenCV returns a smeared photo, so the strict check must catch it;
/// and it must pass every well-formed variant an encoder makes.
/// </summary>
public sealed class StrictJpegTests(EmbedderFixture fixture)
{
    private static readonly byte[] Photo = TestImages.Encode(Noise(640, 480), ".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
    private static readonly byte[] WithRestarts = TestImages.Encode(Noise(640, 480), ".jpg", new ImageEncodingParam(ImwriteFlags.JpegRstInterval, 4));

    private readonly ImageDecoder _lenient = new(Options.Create(new EmbeddingOptions { StrictDecoding = false }));

    public static TheoryData<string> Damages() => ["zeros in the scan", "random bytes in the scan", "a bogus marker in the scan", "restart markers out of order", "no EOI"];

    private static byte[] Damaged(string damage) => damage switch
    {
        "zeros in the scan" => JpegDamage.Overwritten(Photo, 0x00),
        "random bytes in the scan" => JpegDamage.Overwritten(Photo, 0x5A, count: 200),
        "a bogus marker in the scan" => JpegDamage.WithMarkerInScan(Photo, 0xD3),
        "restart markers out of order" => JpegDamage.RestartMarkersSwapped(WithRestarts),
        _ => Photo[..^2],
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void DamagedScanDataIsCorrupt(string damage)
    {
        var error = Assert.Throws<ImageRejectedException>(() => fixture.Decoder.Decode(Damaged(damage)).Dispose());

        Assert.Equal(DeadLetterReason.Corrupt, error.Reason);
        Assert.StartsWith("JPEG data is damaged", error.Message);
    }

    [Theory]
    [InlineData("zeros in the scan")]
    [InlineData("random bytes in the scan")]
    [InlineData("a bogus marker in the scan")]
    [InlineData("restart markers out of order")]
    public void WithoutStrictDecodingTheDamagedPhotoIsKept(string damage)
    {
        // What OpenCV alone does: a full-size photo, damaged where the data was.
        using var decoded = _lenient.Decode(Damaged(damage));

        Assert.Equal(new Size(640, 480), decoded.Size());
    }

    public static TheoryData<string, int, int, int> WellFormed() => new()
    {
        { "baseline 4:2:0", 0, 0, 0 },
        { "progressive", (int)ImwriteFlags.JpegProgressive, 1, 0 },
        { "optimised Huffman tables", (int)ImwriteFlags.JpegOptimize, 1, 0 },
        { "restart every MCU", (int)ImwriteFlags.JpegRstInterval, 1, 0 },
        { "restart every 7 MCUs", (int)ImwriteFlags.JpegRstInterval, 7, 0 },
        { "4:4:4", SamplingFactor, 0x111111, 0 },
        { "4:2:2", SamplingFactor, 0x211111, 0 },
        { "4:4:0", SamplingFactor, 0x121111, 0 },
        { "4:1:1", SamplingFactor, 0x411111, 0 },
        { "quality 100", (int)ImwriteFlags.JpegQuality, 100, 0 },
        { "quality 5", (int)ImwriteFlags.JpegQuality, 5, 0 },
        { "grayscale", 0, 0, 1 },
    };

    /// <summary>IMWRITE_JPEG_SAMPLING_FACTOR, which OpenCvSharp's enum lacks.</summary>
    private const int SamplingFactor = 7;

    [Theory]
    [MemberData(nameof(WellFormed))]
    public void WellFormedVariantsPass(string variant, int flag, int value, int gray)
    {
        foreach (var (width, height) in new[] { (640, 480), (97, 61), (33, 200) }) // whole MCUs, and edges that cut MCUs
        {
            using var colour = Noise(width, height);
            using var image = gray == 1 ? colour.CvtColor(ColorConversionCodes.BGR2GRAY) : colour.Clone();
            var jpeg = TestImages.Encode(image, ".jpg", flag == 0 ? [] : [new ImageEncodingParam((ImwriteFlags)flag, value)]);

            using var decoded = fixture.Decoder.Decode(jpeg);

            Assert.True(decoded.Width == width && decoded.Height == height, $"{variant} {width}×{height}");
        }
    }

    [Fact]
    public void CmykAndExifFixturesPass()
    {
        using var cmyk = fixture.Decoder.Decode(File.ReadAllBytes(TestImages.Fixture("cmyk.jpg")));
        using var rotated = fixture.Decoder.Decode(ImageBytes.WithExifOrientation(TestImages.Jpeg(300, 200), 6));

        Assert.Equal(new Size(200, 300), rotated.Size());
    }

    [Fact]
    public void DataAfterTheEndOfTheImageIsIgnored()
    {
        // Cameras and editors append previews and maker data after EOI; the image itself is whole.
        using var decoded = fixture.Decoder.Decode([.. Photo, .. "trailing preview data"u8.ToArray()]);

        Assert.Equal(new Size(640, 480), decoded.Size());
    }

    private static Mat Noise(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        new Random(width * 31 + height).NextBytes(pixels);
        using var bytes = new Mat(height, width * 3, MatType.CV_8UC1);
        bytes.SetArray(pixels);
        using var image = bytes.Reshape(3, height);
        return image.GaussianBlur(new Size(5, 5), 0); // photo-like: neither flat nor pure noise
    }
}
