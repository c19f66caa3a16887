using System.Buffers.Binary;
using System.Text;
using ImageSearch.Contracts;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// Recognises an image by its magic bytes (never its file name) and reads its size from the header, so that limits are
/// enforced before a decoder allocates anything.
/// </summary>
public static class ImageHeaderReader
{
    /// <summary>The format, or null when the bytes start like none of the supported formats.</summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> data) => data switch
    {
        [0xFF, 0xD8, 0xFF, ..] => ImageFormat.Jpeg,
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => ImageFormat.Png,
        [(byte)'B', (byte)'M', ..] when data.Length >= 26 => ImageFormat.Bmp,
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => ImageFormat.Gif,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => ImageFormat.WebP,
        [(byte)'I', (byte)'I', 42, 0, ..] or [(byte)'M', (byte)'M', 0, 42, ..] => ImageFormat.Tiff,
        _ => null,
    };

    /// <exception cref="ImageRejectedException">Not a supported image, or a header too damaged to give a size.</exception>
    public static ImageHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            throw new ImageRejectedException(DeadLetterReason.FileEmpty, "the image has no bytes");
        var format = Sniff(data) ?? throw new ImageRejectedException(DeadLetterReason.NotAnImage,
            $"not a supported image (JPEG, PNG, BMP, GIF, WebP, TIFF); it starts with {Describe(data)}");
        var size = format switch
        {
            ImageFormat.Jpeg => Jpeg(data),
            ImageFormat.Png => Png(data),
            ImageFormat.Bmp => Bmp(data),
            ImageFormat.Gif => Gif(data),
            ImageFormat.WebP => WebP(data),
            _ => Tiff(data),
        };
        if (size is not (var width, var height) || width <= 0 || height <= 0)
            throw new ImageRejectedException(DeadLetterReason.Corrupt, $"{format} header is truncated or invalid: no image size found");
        return new ImageHeader(format, width, height);
    }

    private static (int, int)? Jpeg(ReadOnlySpan<byte> d)
    {
        // Walk the marker segments up to the first start-of-frame (libjpeg refuses a second one); entropy-coded data only
        // follows SOS.
        var pos = 2;
        while (pos + 4 <= d.Length)
        {
            if (d[pos] != 0xFF) return null;
            var marker = d[pos + 1];
            if (marker == 0xFF) { pos++; continue; }                      // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { pos += 2; continue; } // no length
            if (marker is 0x00 or 0xD8 or 0xD9 or 0xDA) return null;       // not a marker, SOI again, EOI or SOS before any frame header
            var length = BinaryPrimitives.ReadUInt16BigEndian(d[(pos + 2)..]);
            if (length < 2 || pos + 2 + length > d.Length) return null;
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                // SOFn: length, precision, height, width, component count, then 3 bytes per component (the decoder checks the length).
                return length >= 8 && length == 8 + 3 * d[pos + 9]
                    ? (BinaryPrimitives.ReadUInt16BigEndian(d[(pos + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(d[(pos + 5)..]))
                    : null;
            pos += 2 + length;
        }
        return null;
    }

    private static (int, int)? Png(ReadOnlySpan<byte> d) =>
        d.Length >= 24 && BinaryPrimitives.ReadUInt32BigEndian(d[8..]) == 13 && d[12..16].SequenceEqual("IHDR"u8)
            ? (ToInt(BinaryPrimitives.ReadUInt32BigEndian(d[16..])), ToInt(BinaryPrimitives.ReadUInt32BigEndian(d[20..])))
            : null;

    private static (int, int)? Bmp(ReadOnlySpan<byte> d)
    {
        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(d[14..]);
        if (headerSize == 12) // OS/2 BITMAPCOREHEADER: unsigned 16-bit sides
            return (BinaryPrimitives.ReadUInt16LittleEndian(d[18..]), BinaryPrimitives.ReadUInt16LittleEndian(d[20..]));
        if (headerSize < 36) return null; // OpenCV reads no other header
        // Height is negative for top-down bitmaps; int.MinValue has no positive counterpart, and OpenCV refuses it too.
        var height = BinaryPrimitives.ReadInt32LittleEndian(d[22..]);
        return height == int.MinValue ? null : (BinaryPrimitives.ReadInt32LittleEndian(d[18..]), Math.Abs(height));
    }

    private static (int, int)? Gif(ReadOnlySpan<byte> d) =>
        // The logical screen: OpenCV decodes onto it and refuses frames that do not fit inside.
        d.Length >= 10 ? (BinaryPrimitives.ReadUInt16LittleEndian(d[6..]), BinaryPrimitives.ReadUInt16LittleEndian(d[8..])) : null;

    private static (int, int)? WebP(ReadOnlySpan<byte> d)
    {
        if (d.Length < 30) return null;
        var chunk = d[12..16];
        if (chunk.SequenceEqual("VP8 "u8) && d[23] == 0x9D && d[24] == 0x01 && d[25] == 0x2A)
            return (BinaryPrimitives.ReadUInt16LittleEndian(d[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(d[28..]) & 0x3FFF);
        if (chunk.SequenceEqual("VP8L"u8) && d[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(d[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8)) // the canvas, which libwebp allocates; a frame of another size is its error
            return (Read24(d[24..]) + 1, Read24(d[27..]) + 1);
        return null;
        static int Read24(ReadOnlySpan<byte> b) => b[0] | b[1] << 8 | b[2] << 16;
    }

    private static (int, int)? Tiff(ReadOnlySpan<byte> d)
    {
        var little = d[0] == (byte)'I';
        if (d.Length < 8) return null;
        long ifd = U32(d, 4, little);
        if (ifd + 2 > d.Length) return null;
        var count = U16(d, (int)ifd, little);
        if (ifd + 2 + 12L * count > d.Length) return null;
        int? width = null, height = null;
        for (var i = 0; i < count; i++)
        {
            var entry = (int)ifd + 2 + i * 12;
            var tag = U16(d, entry, little);
            if (tag is not (256 or 257)) continue;
            // libtiff keeps the first of repeated tags, so the first is what the decoder will allocate for.
            if ((tag == 256 ? width : height) is not null) continue;
            // A width or height must be one SHORT or LONG; libtiff refuses the directory otherwise.
            var type = U16(d, entry + 2, little);
            if (U32(d, entry + 4, little) != 1 || type is not (3 or 4)) return null;
            var value = type == 3 ? U16(d, entry + 8, little) : ToInt(U32(d, entry + 8, little));
            if (tag == 256) width = value;
            else height = value;
        }
        return width is { } w && height is { } h ? (w, h) : null;
    }

    private static uint U32(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);

    private static ushort U16(ReadOnlySpan<byte> d, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);

    private static int ToInt(uint value) => value > int.MaxValue ? -1 : (int)value;

    private static string Describe(ReadOnlySpan<byte> data)
    {
        var head = data[..Math.Min(8, data.Length)];
        var printable = head.ToArray().All(b => b is >= 0x20 and < 0x7F);
        return printable ? $"\"{Encoding.ASCII.GetString(head)}\"" : Convert.ToHexString(head);
    }
}
