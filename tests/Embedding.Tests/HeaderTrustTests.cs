using System.Buffers.Binary;
using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>
/// Headers that lie or repeat themselves: the size judged must be the one the decoder would allocate for, and a header
/// that cannot be trusted is refused, never an exception of another kind.
/// </summary>
public sealed class HeaderTrustTests(EmbedderFixture fixture)
{
    private const ushort Width = 256; // the ImageWidth tag

    private ImageRejectedException Rejected(byte[] data) =>
        Assert.Throws<ImageRejectedException>(() => fixture.Decoder.Decode(data).Dispose());

    [Fact]
    public void BmpWithTheMostNegativeHeightIsCorruptNotAnOverflow()
    {
        var bmp = TestImages.Encode(TestImages.Pattern(64, 64), ".bmp");
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), int.MinValue); // -2^31 has no positive counterpart

        Assert.Equal(DeadLetterReason.Corrupt, Rejected(bmp).Reason);
    }

    [Fact]
    public void TiffWithTwoWidthsIsJudgedByTheFirstAsLibtiffDecodesIt()
    {
        var tiff = ImageBytes.Tiff([(Width, 3, 50), (Width, 3, 100), .. ImageBytes.TiffAfterWidth]);

        Assert.Equal(new ImageHeader(ImageFormat.Tiff, 50, 100), ImageHeaderReader.Read(tiff));
        using var decoded = fixture.Decoder.Decode(tiff);
        Assert.Equal(new Size(50, 100), decoded.Size());
    }

    [Fact]
    public void TiffHidingAHugeFirstWidthBehindASmallSecondIsTooManyPixels()
    {
        // 20000 × 20000 first (what libtiff would allocate for), 100 × 100 after: a 10 KB file that would need 1.2 GB.
        var tiff = ImageBytes.Tiff([(Width, 4, 20_000), (Width, 3, 100), (257, 4, 20_000), .. ImageBytes.TiffAfterWidth]);

        var error = Rejected(tiff);

        Assert.Equal(DeadLetterReason.TooManyPixels, error.Reason);
        Assert.Contains("20000×20000", error.Message);
    }

    [Fact]
    public void TiffWidthWithAnUnexpectedCountIsCorrupt()
    {
        var tiff = ImageBytes.Tiff([(Width, 3, 100), .. ImageBytes.TiffAfterWidth]);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(10 + 4), 2); // count 2: libtiff refuses the directory

        Assert.Equal(DeadLetterReason.Corrupt, Rejected(tiff).Reason);
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".tiff")]
    public void DecompressionBombIsTooManyPixelsFromTheHeader(string extension)
    {
        // A few KB that claim 30000 × 30000 (900 megapixels): refused before any decoder allocates.
        var bytes = extension == ".png" ? PngClaiming(30_000, 30_000) : ImageBytes.Tiff([(Width, 4, 30_000), (257, 4, 30_000), .. ImageBytes.TiffAfterWidth[1..]]);

        var error = Rejected(bytes);

        Assert.Equal(DeadLetterReason.TooManyPixels, error.Reason);
        Assert.True(bytes.Length < 64 * 1024);
    }

    [Fact]
    public void OpenCvRefusesOverTheLimitItselfShouldAHeaderEverSlipThrough()
    {
        // Straight to OpenCV, past our header check: a BMP claiming 8000 × 8000 = 64 M pixels, over the 50 M default.
        var bmp = TestImages.Encode(TestImages.Pattern(64, 64), ".bmp");
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 8000);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 8000);

        var error = Assert.Throws<OpenCVException>(() => Cv2.ImDecode(bmp, ImreadModes.Color).Dispose());

        // OpenCV names the limit it applied; without it, OpenCV's own default (2^30 pixels) lets this through to the BMP reader.
        Assert.Contains("CV_IO_MAX_IMAGE_PIXELS", error.Message);
    }

    public static TheoryData<string> Formats() => [".jpg", ".png", ".gif", ".webp", ".tiff", ".bmp"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void TruncatedFileIsCorrupt(string extension)
    {
        var bytes = TestImages.Encode(TestImages.Pattern(200, 150), extension);

        foreach (var keep in new[] { 0.5, 0.9, 0.99 })
        {
            var error = Rejected(bytes[..(int)(bytes.Length * keep)]);
            Assert.True(error.Reason == DeadLetterReason.Corrupt, $"{extension} cut to {keep:P0}: {error.Reason} {error.Message}");
        }
    }

    [Fact]
    public void PngWithABadIdatChecksumIsCorrupt()
    {
        var png = TestImages.Encode(TestImages.Pattern(200, 150), ".png");
        var idat = png.AsSpan().IndexOf("IDAT"u8) - 4;
        var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(idat));
        png[idat + 8 + length] ^= 0xFF; // the CRC after the chunk's data

        Assert.Equal(DeadLetterReason.Corrupt, Rejected(png).Reason);
    }

    [Fact]
    public void PngChunkClaimingMoreThanTheFileIsCorruptAtOnce()
    {
        // Found by HeaderFuzzTests: OpenCV's PNG reader spent 17 s on this 1 KB file before giving up.
        var png = TestImages.Encode(TestImages.Pattern(48, 40), ".png");
        var idat = png.AsSpan().IndexOf("IDAT"u8) - 4;
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(idat), 0x7FFF0000);

        var error = Rejected(png);

        Assert.Equal(DeadLetterReason.Corrupt, error.Reason);
        Assert.Contains("IDAT", error.Message);
    }

    /// <summary>A real 64×64 PNG whose header claims another size, with the header's CRC recomputed so only the size lies.</summary>
    private static byte[] PngClaiming(uint width, uint height)
    {
        var png = TestImages.Encode(TestImages.Pattern(64, 64), ".png");
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), ImageBytes.Crc32(png.AsSpan(12, 17)));
        return png;
    }
}
