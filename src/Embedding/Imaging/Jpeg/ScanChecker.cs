namespace ImageSearch.Embedding.Imaging.Jpeg;

/// <summary>
/// Checks the entropy-coded data of one scan and finds the marker that ends it. Sequential Huffman scans are decoded
/// symbol by symbol (no dequantisation, no IDCT); other scans are only walked for their restart markers.
/// </summary>
internal static class ScanChecker
{
    /// <summary>libjpeg's limit on blocks per MCU in an interleaved scan.</summary>
    private const int MaxBlocksPerMcu = 10;

    /// <returns>The offset of the marker after the scan.</returns>
    /// <exception cref="ImageRejectedException">Reason Corrupt.</exception>
    public static int Check(ReadOnlySpan<byte> d, int start, JpegFrame frame, JpegScan scan, int restartInterval, int number)
    {
        long? mcus = frame.IsDct ? frame.McuCount(scan.Components) : null;
        return frame.IsSequentialHuffman && scan.HasTables
            ? Decode(d, start, frame, scan, mcus!.Value, restartInterval, number)
            : Walk(d, start, mcus, restartInterval, number);
    }

    private static int Decode(ReadOnlySpan<byte> d, int start, JpegFrame frame, JpegScan scan, long mcus, int restartInterval, int number)
    {
        // The tables of each block of one MCU, in coding order.
        Span<int> owner = stackalloc int[MaxBlocksPerMcu];
        var blocks = 0;
        for (var i = 0; i < scan.Components.Length; i++)
            for (var k = frame.BlocksPerMcu(scan.Components[i], scan.Components.Length); k > 0; k--)
            {
                if (blocks == MaxBlocksPerMcu)
                    throw JpegValidator.Corrupt($"scan {number} has more than {MaxBlocksPerMcu} blocks per MCU");
                owner[blocks++] = i;
            }
        var reader = new EntropyReader(d, start);
        var untilRestart = restartInterval; // MCUs left in this restart interval (none: the whole scan is one)
        for (long mcu = 0; mcu < mcus; mcu++)
        {
            if (restartInterval > 0 && untilRestart-- == 0)
            {
                reader = new EntropyReader(d, AfterRestart(d, reader, (int)((mcu / restartInterval - 1) & 7), mcu, mcus, number));
                untilRestart = restartInterval - 1;
            }
            for (var b = 0; b < blocks; b++)
            {
                var dc = reader.Decode(scan.Dc[owner[b]]!);
                if (dc < 0)
                    throw Damaged(dc, mcu, mcus, number);
                var ac = scan.Ac[owner[b]]!;
                for (var k = 1; k < 64;)
                {
                    var rs = reader.Decode(ac);
                    if (rs < 0)
                        throw Damaged(rs, mcu, mcus, number);
                    if ((rs & 0x0F) == 0 && rs != 0xF0)
                        break; // end of block
                    k += (rs >> 4) + 1; // a run of zeros, then one coefficient (F0: sixteen zeros)
                    if (k > 64)
                        throw JpegValidator.Corrupt($"scan {number}: a block's coefficients run past 64 in MCU {mcu + 1:N0} of {mcus:N0}");
                }
            }
        }
        var end = EntropyReader.End(reader, out var extraneous);
        if (end < 0)
            throw JpegValidator.Corrupt($"scan {number} has {extraneous:N0} bytes of data after its last MCU");
        if (EntropyReader.Marker(d, ref end) < 0)
            throw JpegValidator.Corrupt("the file ends after the scan data without an EOI marker: it is truncated");
        return end;
    }

    /// <returns>The offset after restart marker RST<paramref name="expected"/>, which must end the segment.</returns>
    private static int AfterRestart(ReadOnlySpan<byte> d, EntropyReader reader, int expected, long mcu, long mcus, int number)
    {
        var end = EntropyReader.End(reader, out var extraneous);
        if (end < 0)
            throw JpegValidator.Corrupt($"scan {number}: {extraneous:N0} bytes of data before restart marker RST{expected} (after MCU {mcu:N0} of {mcus:N0})");
        var marker = EntropyReader.Marker(d, ref end);
        if (marker != 0xD0 + expected)
            throw JpegValidator.Corrupt(marker < 0
                ? $"scan {number} ends after MCU {mcu:N0} of {mcus:N0}: the file is truncated"
                : $"scan {number}: marker 0x{marker:X2} where restart marker RST{expected} belongs (after MCU {mcu:N0} of {mcus:N0})", end);
        return end + 2;
    }

    private static ImageRejectedException Damaged(int fault, long mcu, long mcus, int number) =>
        JpegValidator.Corrupt(fault == EntropyReader.BadCode
            ? $"scan {number}: an invalid Huffman code in MCU {mcu + 1:N0} of {mcus:N0}"
            : $"scan {number} ends early, in MCU {mcu + 1:N0} of {mcus:N0} (data missing, or a marker in the middle of it)");

    /// <summary>Finds the end of a scan that is not decoded, checking its restart markers' order and, for DCT frames, count.</summary>
    private static int Walk(ReadOnlySpan<byte> d, int start, long? mcus, int restartInterval, int number)
    {
        var restarts = 0L;
        var i = start;
        while (true)
        {
            var ff = d[i..].IndexOf((byte)0xFF);
            if (ff < 0 || i + ff + 1 >= d.Length)
                throw JpegValidator.Corrupt($"scan {number} runs to the end of the file: it is truncated");
            i += ff;
            var marker = d[i + 1];
            if (marker == 0x00 || marker == 0xFF)
            {
                i += marker == 0x00 ? 2 : 1; // a stuffed data byte; a fill byte
                continue;
            }
            if (marker is < 0xD0 or > 0xD7)
                break;
            if (marker != 0xD0 + (restarts & 7) || restartInterval == 0)
                throw JpegValidator.Corrupt($"scan {number}: restart marker RST{marker - 0xD0} out of order", i);
            restarts++;
            i += 2;
        }
        if (restartInterval > 0 && mcus is { } count && restarts != (count - 1) / restartInterval)
            throw JpegValidator.Corrupt($"scan {number} has {restarts:N0} restart markers where {count:N0} MCUs in intervals of {restartInterval} need {(count - 1) / restartInterval:N0}");
        return i;
    }
}
