using System.Buffers.Binary;
using ImageSearch.Contracts;

namespace ImageSearch.Embedding.Imaging.Jpeg;

/// <summary>
/// Checks a whole JPEG before it is decoded, because libjpeg only warns about damaged data (and OpenCV does not pass the
/// warning on) and returns a photo that is partly grey or smeared. The marker structure is walked from SOI to EOI (one
/// frame header, valid table and scan headers, restart markers in order and as many as the restart interval implies, no
/// bytes outside segments). For sequential Huffman frames (baseline and extended, the great majority of photos) every
/// scan's entropy-coded data is decoded down to its symbols: each MCU must decode, each restart interval must end exactly
/// at its marker and each scan exactly at the next marker. Progressive, arithmetic and lossless frames get the
/// structural checks only. Thread-safe (static, no state).
/// </summary>
internal static class JpegValidator
{
    /// <exception cref="ImageRejectedException">Reason <see cref="DeadLetterReason.Corrupt"/>, naming the first fault found.</exception>
    public static void Validate(ReadOnlySpan<byte> d)
    {
        var state = new JpegTables();
        JpegFrame? frame = null;
        var scans = 0;
        var pos = 2; // after SOI, which the format was recognised by
        while (true)
        {
            if (pos >= d.Length)
                throw Corrupt("the file ends without an EOI marker: it is truncated");
            if (d[pos] != 0xFF)
                throw Corrupt("bytes outside any segment where a marker should be", pos);
            while (pos + 1 < d.Length && d[pos + 1] == 0xFF)
                pos++; // fill bytes
            if (pos + 1 >= d.Length)
                throw Corrupt("the file ends without an EOI marker: it is truncated");
            var marker = d[pos + 1];
            if (marker == 0xD9)
            {
                if (frame is null || scans == 0)
                    throw Corrupt("the file ends before any image data");
                state.CheckAllComponentsScanned(frame);
                return;
            }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) // TEM; a stray restart marker, which libjpeg skips too
            {
                pos += 2;
                continue;
            }
            if (marker is 0x00 or 0xD8)
                throw Corrupt($"marker 0x{marker:X2} is not allowed here", pos);
            if (pos + 4 > d.Length)
                throw Corrupt("the file ends inside a marker segment: it is truncated");
            var length = BinaryPrimitives.ReadUInt16BigEndian(d[(pos + 2)..]);
            if (length < 2 || pos + 2 + length > d.Length)
                throw Corrupt($"the segment of marker 0x{marker:X2} runs past the end of the file", pos);
            var body = d.Slice(pos + 4, length - 2);
            var next = pos + 2 + length;
            switch (marker)
            {
                case >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC):
                    if (frame is not null)
                        throw Corrupt("a second frame header (SOF)", pos);
                    frame = state.ParseFrame(marker, body) ?? throw Corrupt("the frame header (SOF) is invalid", pos);
                    break;
                case 0xC4:
                    if (state.ParseHuffmanTables(body) is { } error)
                        throw Corrupt(error, pos);
                    break;
                case 0xDD:
                    if (!state.ParseRestartInterval(body))
                        throw Corrupt("the restart interval segment (DRI) is invalid", pos);
                    break;
                case 0xDA:
                    if (frame is null)
                        throw Corrupt("scan data before the frame header", pos);
                    var scan = state.ParseScan(frame, body) ?? throw Corrupt($"the header of scan {scans + 1} (SOS) is invalid", pos);
                    next = ScanChecker.Check(d, next, frame, scan, state.RestartInterval, ++scans);
                    break;
                case 0xCC or 0xDB or 0xDC or 0xFE or (>= 0xE0 and <= 0xEF): // DAC, DQT, DNL, COM, APPn
                    break;
                default:
                    throw Corrupt($"unknown marker 0x{marker:X2}", pos);
            }
            pos = next;
        }
    }

    public static ImageRejectedException Corrupt(string problem, int? offset = null) =>
        new(DeadLetterReason.Corrupt, $"JPEG data is damaged: {problem}" + (offset is null ? "" : $" at byte {offset:N0}"));
}
