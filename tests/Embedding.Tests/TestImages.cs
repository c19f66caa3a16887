using System.Buffers.Binary;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>Images generated in the tests themselves: nothing here is copied data.</summary>
internal static class TestImages
{
    /// <summary>Four flat quadrants of distinct colours (so rotations and crops are easy to check, and lossy codecs keep them).</summary>
    public static Mat Pattern(int width, int height)
    {
        var image = new Mat(height, width, MatType.CV_8UC3);
        for (var row = 0; row < 2; row++)
            for (var column = 0; column < 2; column++)
            {
                var x0 = column * width / 2;
                var y0 = row * height / 2;
                var c = QuadrantColour(column, row);
                using var region = new Mat(image, new Rect(x0, y0, (column + 1) * width / 2 - x0, (row + 1) * height / 2 - y0));
                region.SetTo(new Scalar(c.Item0, c.Item1, c.Item2));
            }
        return image;
    }

    /// <summary>BGR colour of quadrant (column, row): red, green / blue, white.</summary>
    public static Vec3b QuadrantColour(int column, int row) => (column, row) switch
    {
        (0, 0) => new Vec3b(0, 0, 255),
        (1, 0) => new Vec3b(0, 255, 0),
        (0, 1) => new Vec3b(255, 0, 0),
        _ => new Vec3b(255, 255, 255),
    };

    public static byte[] Encode(Mat image, string extension, params ImageEncodingParam[] parameters)
    {
        Cv2.ImEncode(extension, image, out var bytes, parameters);
        return bytes;
    }

    public static byte[] Jpeg(int width, int height) => Encode(Pattern(width, height), ".jpg");

    /// <summary>Inserts an EXIF APP1 segment holding only an orientation tag right after the JPEG's SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, // little-endian TIFF header, first IFD at offset 8
            1, 0,                                    // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0,            // tag 0x0112 Orientation, SHORT, count 1
            (byte)orientation, 0, 0, 0,
            0, 0, 0, 0,                              // no next IFD
        ];
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = payload.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>
    /// A near-duplicate as users upload them: 80% of the photo (off centre), scaled to 60% (keeping at least 64 px on the
    /// shorter side, above the minimum-size limit), saved again as JPEG at quality 80.
    /// </summary>
    public static byte[] ResizedCroppedCopy(byte[] encoded)
    {
        using var original = Cv2.ImDecode(encoded, ImreadModes.Color);
        var crop = new Rect(original.Width / 20, original.Height / 8, original.Width * 4 / 5, original.Height * 4 / 5);
        using var region = new Mat(original, crop);
        using var smaller = new Mat();
        var scale = Math.Max(0.6, 64.0 / Math.Min(crop.Width, crop.Height));
        Cv2.Resize(region, smaller, new Size(), scale, scale, InterpolationFlags.Area);
        return Encode(smaller, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 80));
    }

    /// <summary>
    /// A little-endian, uncompressed 8-bit grey TIFF of 100×100 random pixels whose first directory holds exactly
    /// <paramref name="entries"/> (SHORT or LONG values; tag 273, the strip offset, is filled in), in the order given.
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

    /// <summary>Path of a committed fixture generated by <c>Fixtures/make_fixtures.py</c>.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>Mean absolute difference per channel value.</summary>
    public static double MeanAbsDiff(Mat a, Mat b) => Cv2.Norm(a, b, NormTypes.L1) / (a.Total() * a.Channels());

    public static void AssertColourNear(Vec3b expected, Vec3b actual, int tolerance = 30)
    {
        for (var c = 0; c < 3; c++)
            Assert.True(Math.Abs(expected[c] - actual[c]) <= tolerance, $"expected about {expected}, got {actual}");
    }

    public static double MaxAbsDiff(Mat a, Mat b)
    {
        using var diff = new Mat();
        Cv2.Absdiff(a, b, diff);
        Cv2.MinMaxLoc(diff.Reshape(1), out _, out double max);
        return max;
    }
}
