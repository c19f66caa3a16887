using System.Buffers.Binary;

namespace ImageSearch.TestSupport;

/// <summary>Image files written byte by byte, for headers no encoder would write: shared by the decoder and end-to-end tests.</summary>
public static class ImageBytes
{
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

    /// <summary>The CRC-32 PNG chunks carry (and zip, and Ethernet).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
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
