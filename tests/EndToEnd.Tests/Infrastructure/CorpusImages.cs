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
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
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

    /// <summary>
    /// A little-endian, uncompressed 8-bit grey TIFF of 100×100 random pixels whose first directory holds exactly
    /// <paramref name="entries"/> (tag 273, the strip offset, is filled in).
    /// </summary>
    public static byte[] Tiff(params (ushort Tag, ushort Type, uint Value)[] entries)
    {
        var pixelsAt = 8 + 2 + entries.Length * 12 + 4;
        var tiff = new byte[pixelsAt + 100 * 100];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), (ushort)entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var (tag, type, value) = entries[i];
            var entry = tiff.AsSpan(10 + 12 * i);
            BinaryPrimitives.WriteUInt16LittleEndian(entry, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 1);
            value = tag == 273 ? (uint)pixelsAt : value;
            if (type == 3)
                BinaryPrimitives.WriteUInt16LittleEndian(entry[8..], (ushort)value);
            else
                BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], value);
        }
        new Random(3).NextBytes(tiff.AsSpan(pixelsAt));
        return tiff;
    }

    /// <summary>The directory of <see cref="Tiff"/> after ImageWidth: 100 rows, 8-bit grey, one uncompressed strip.</summary>
    public static readonly (ushort, ushort, uint)[] TiffAfterWidth =
        [(257, 3, 100), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 0), (277, 3, 1), (278, 3, 100), (279, 4, 100 * 100)];

    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0, 0, 0, 0, 0];
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var length = payload.Length + 2;
        return [.. jpeg[..2], 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg[2..]];
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
