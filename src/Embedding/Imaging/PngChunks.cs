using System.Buffers.Binary;
using ImageSearch.Contracts;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// Walks a PNG's chunks before OpenCV sees them: every chunk's length must fit in what is left of the file. OpenCV's PNG
/// reader trusts the length, and one chunk claiming 2 GB in a 1 KB file held it for 17 seconds (found by
/// <c>HeaderFuzzTests</c>). CRCs and the compressed data are libpng's to check, which it does.
/// </summary>
internal static class PngChunks
{
    /// <exception cref="ImageRejectedException">Reason Corrupt: a chunk runs past the end, or there is no IEND.</exception>
    public static void Check(ReadOnlySpan<byte> png)
    {
        var pos = 8; // the signature
        while (pos + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
            var type = png.Slice(pos + 4, 4);
            if (length > (uint)(png.Length - pos - 12))
                throw new ImageRejectedException(DeadLetterReason.Corrupt,
                    $"PNG chunk '{Name(type)}' at byte {pos:N0} claims {length:N0} bytes, but only {png.Length - pos - 12:N0} follow: the file is truncated or corrupt");
            if (type.SequenceEqual("IEND"u8))
                return;
            pos += 12 + (int)length;
        }
        throw new ImageRejectedException(DeadLetterReason.Corrupt, "PNG data ends without an IEND chunk: the file is truncated");
    }

    private static string Name(ReadOnlySpan<byte> type) =>
        type.ToArray().All(b => b is >= 0x20 and < 0x7F) ? System.Text.Encoding.ASCII.GetString(type) : Convert.ToHexString(type);
}
