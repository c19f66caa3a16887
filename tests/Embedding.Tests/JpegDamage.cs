namespace ImageSearch.Embedding.Tests;

/// <summary>Ways a JPEG's entropy-coded data gets damaged on disks, in transfers and by careless tools.</summary>
internal static class JpegDamage
{
    /// <summary>Where the first scan's entropy-coded data starts and ends (the offset of the marker after it).</summary>
    public static (int Start, int End) ScanData(byte[] jpeg)
    {
        var sos = IndexOf(jpeg, 0xDA, 2);
        var start = sos + 2 + (jpeg[sos + 2] << 8 | jpeg[sos + 3]);
        var end = start;
        while (!(jpeg[end] == 0xFF && jpeg[end + 1] is not (0x00 or (>= 0xD0 and <= 0xD7))))
            end++;
        return (start, end);
    }

    /// <summary>Overwrites <paramref name="count"/> bytes in the middle of the scan data with <paramref name="value"/>.</summary>
    public static byte[] Overwritten(byte[] jpeg, byte value, int count = 40)
    {
        var (start, end) = ScanData(jpeg);
        var damaged = (byte[])jpeg.Clone();
        damaged.AsSpan((start + end) / 2, count).Fill(value);
        return damaged;
    }

    /// <summary>Puts a marker (FF <paramref name="marker"/>) where scan data was.</summary>
    public static byte[] WithMarkerInScan(byte[] jpeg, byte marker)
    {
        var (start, end) = ScanData(jpeg);
        var damaged = (byte[])jpeg.Clone();
        var at = (start + end) / 2;
        if (damaged[at - 1] == 0xFF)
            at++; // keep a stuffed FF 00 whole
        (damaged[at], damaged[at + 1]) = (0xFF, marker);
        return damaged;
    }

    /// <summary>Swaps the numbers of the first two restart markers (RST0 and RST1).</summary>
    public static byte[] RestartMarkersSwapped(byte[] jpeg)
    {
        var first = IndexOf(jpeg, 0xD0, ScanData(jpeg).Start);
        var second = IndexOf(jpeg, 0xD1, first);
        var damaged = (byte[])jpeg.Clone();
        (damaged[first + 1], damaged[second + 1]) = (0xD1, 0xD0);
        return damaged;
    }

    /// <summary>The offset of the first FF <paramref name="marker"/> at or after <paramref name="from"/>.</summary>
    public static int IndexOf(byte[] jpeg, byte marker, int from)
    {
        for (var i = from; i + 1 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
                return i;
        throw new InvalidOperationException($"no marker FF{marker:X2} after byte {from}");
    }
}
