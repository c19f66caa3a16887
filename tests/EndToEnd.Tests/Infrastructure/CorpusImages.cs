using System.Buffers.Binary;
using OpenCvSharp;

namespace ImageSearch.EndToEnd.Tests;

/// <summary>Image bytes for the bad-input corpus: valid images of every format and the ways their headers and data lie.</summary>
public static class CorpusImages
{
    public const ushort TiffWidth = 256;

    /// <summary>A 200×150 colour pattern (above every minimum side) encoded as <paramref name="extension"/>.</summary>
    public static byte[] Encode(string extension, MatType? type = null, params ImageEncodingParam[] parameters)
    {
        using var pattern = new Mat(150, 200, type ?? MatType.CV_8UC3);
        Cv2.Randu(pattern, Scalar.All(0), Scalar.All(type == MatType.CV_16UC3 ? 65535 : 255));
        Cv2.ImEncode(extension, pattern, out var bytes, parameters);
        return bytes;
    }

    public static byte[] Truncated(byte[] bytes) => bytes[..(bytes.Length / 2)];

    /// <summary>Random bytes over the middle of the first scan's entropy-coded data.</summary>
    public static byte[] ScanDamaged(byte[] jpeg)
    {
        var sos = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        var start = sos + 2 + (jpeg[sos + 2] << 8 | jpeg[sos + 3]);
        var damaged = (byte[])jpeg.Clone();
        new Random(7).NextBytes(damaged.AsSpan((start + jpeg.Length) / 2, 200));
        return damaged;
    }

    public static byte[] PngWithBadIdatCrc(byte[] png)
    {
        var idat = png.AsSpan().IndexOf("IDAT"u8) - 4;
        png[idat + 8 + BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(idat))] ^= 0xFF;
        return png;
    }

    /// <summary>A PNG whose header claims another size, the header's CRC recomputed so only the size lies.</summary>
    public static byte[] PngClaiming(uint width, uint height)
    {
        var png = Encode(".png");
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), ImageBytes.Crc32(png.AsSpan(12, 17)));
        return png;
    }

    /// <summary>A real PNG bomb: 10000×10000 grey zeros (100 M pixels, twice the limit) deflated to a few hundred KB.</summary>
    public static byte[] PngBomb()
    {
        using var zeros = new Mat(10_000, 10_000, MatType.CV_8UC1, Scalar.All(0));
        Cv2.ImEncode(".png", zeros, out var png);
        return png;
    }

    public static byte[] BmpHeightMostNegative()
    {
        var bmp = Encode(".bmp");
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), int.MinValue);
        return bmp;
    }

    public static byte[] JpegSofClaiming(ushort width, ushort height)
    {
        var jpeg = Encode(".jpg");
        var sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), width);
        return jpeg;
    }

    /// <summary>Logical screen and first image descriptor both claim 65535×65535.</summary>
    public static byte[] GifClaimingMaximum()
    {
        var gif = Encode(".gif");
        gif.AsSpan(6, 4).Fill(0xFF);
        var descriptor = Array.IndexOf(gif, (byte)0x2C, 13);
        gif.AsSpan(descriptor + 5, 4).Fill(0xFF);
        return gif;
    }

    /// <summary>A lossy WebP whose VP8 frame header claims 16383×16383 (the 14-bit maximum).</summary>
    public static byte[] WebpClaimingMaximum()
    {
        var webp = Encode(".webp", null, new ImageEncodingParam(ImwriteFlags.WebPQuality, 90)); // below 100: lossy, a VP8 chunk
        var vp8 = webp.AsSpan().IndexOf("VP8 "u8);
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(vp8 + 14), 0x3FFF);
        BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(vp8 + 16), 0x3FFF);
        return webp;
    }
}
