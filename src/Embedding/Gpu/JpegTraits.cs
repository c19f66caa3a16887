using System.Buffers.Binary;

namespace ImageSearch.Embedding.Gpu;

/// <summary>
/// What decides whether a JPEG may take the GPU path, read from its markers without decoding: the frame type (nvJPEG's
/// hardware decoder takes baseline and extended sequential only), the sample precision, the component count (3: CMYK,
/// grayscale and Adobe RGB go to the CPU, which converts them as OpenCV always has) and the EXIF orientation (rotated
/// photos go to the CPU, which applies it). Anything it cannot read makes the JPEG CPU-only, never an error: the CPU path
/// decides about damage.
/// </summary>
internal readonly record struct JpegTraits(bool Sequential, int Precision, int Components, bool AdobeRgb, int Orientation)
{
    private const int ExifOrientationTag = 0x0112;

    public bool FitsGpu => Sequential && Precision == 8 && Components == 3 && !AdobeRgb && Orientation == 1;

    public static JpegTraits Read(ReadOnlySpan<byte> data)
    {
        var traits = new JpegTraits(false, 0, 0, false, 1);
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
            return traits;
        var position = 2;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
                return traits;
            var marker = data[position + 1];
            if (marker == 0xFF) { position++; continue; } // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8)) { position += 2; continue; } // no length
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length < 2 || position + 2 + length > data.Length)
                return traits;
            var segment = data.Slice(position + 4, length - 2);
            switch (marker)
            {
                case 0xE1 when segment.StartsWith("Exif\0\0"u8):
                    traits = traits with { Orientation = ExifOrientation(segment[6..]) };
                    break;
                case 0xEE when segment.Length >= 12 && segment.StartsWith("Adobe"u8):
                    traits = traits with { AdobeRgb = segment[11] == 0 };
                    break;
                case >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC:
                    return segment.Length < 6 ? traits
                        : traits with { Sequential = marker is 0xC0 or 0xC1, Precision = segment[0], Components = segment[5] };
                case 0xDA: // a scan before any frame header: not a JPEG the GPU should see
                    return traits;
            }
            position += 2 + length;
        }
        return traits;
    }

    /// <summary>Orientation from IFD0 of the EXIF TIFF block; 1 when absent, 0 (unknown: CPU path) when unreadable.</summary>
    private static int ExifOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
            return 0;
        var little = tiff[0] == 'I' && tiff[1] == 'I';
        if (!little && !(tiff[0] == 'M' && tiff[1] == 'M'))
            return 0;
        var ifd = little ? BinaryPrimitives.ReadUInt32LittleEndian(tiff[4..]) : BinaryPrimitives.ReadUInt32BigEndian(tiff[4..]);
        if (ifd > (uint)tiff.Length - 2)
            return 0;
        var entries = U16(tiff, little, (int)ifd);
        for (var i = 0; i < entries; i++)
        {
            var entry = (int)ifd + 2 + 12 * i;
            if (entry + 12 > tiff.Length)
                return 0;
            if (U16(tiff, little, entry) == ExifOrientationTag)
                return U16(tiff, little, entry + 8) is var value and >= 1 and <= 8 ? value : 0;
        }
        return 1;
    }

    private static ushort U16(ReadOnlySpan<byte> tiff, bool little, int at) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(tiff[at..]) : BinaryPrimitives.ReadUInt16BigEndian(tiff[at..]);
}
