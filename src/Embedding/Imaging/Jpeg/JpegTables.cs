using System.Buffers.Binary;

namespace ImageSearch.Embedding.Imaging.Jpeg;

/// <summary>A scan's components (indexes into the frame's) and their Huffman tables, null where the file defines none.</summary>
internal sealed record JpegScan(int[] Components, HuffmanTable?[] Dc, HuffmanTable?[] Ac)
{
    public bool HasTables => Dc.All(t => t is not null) && Ac.All(t => t is not null);
}

/// <summary>
/// The header segments read so far (frame, Huffman tables and restart interval, which may change between scans) and the
/// components the scans have covered. Segment layouts as in the JPEG standard, B.2; limits as libjpeg enforces them.
/// </summary>
internal sealed class JpegTables
{
    private readonly HuffmanTable?[] _dc = new HuffmanTable?[4];
    private readonly HuffmanTable?[] _ac = new HuffmanTable?[4];
    private readonly HashSet<int> _scanned = [];

    /// <summary>MCUs per restart interval; 0 when there are no restart markers.</summary>
    public int RestartInterval { get; private set; }

    /// <summary>SOFn: precision, height, width, component count, then id, sampling factors and table per component.</summary>
    public JpegFrame? ParseFrame(byte marker, ReadOnlySpan<byte> body)
    {
        // libjpeg decodes at most 10 components, with sampling factors 1 to 4; a height of 0 (defined later by DNL) it refuses.
        if (body.Length < 6 || body[5] is 0 or > 10 || body.Length != 6 + 3 * body[5])
            return null;
        var components = new FrameComponent[body[5]];
        for (var i = 0; i < components.Length; i++)
        {
            var sampling = body[7 + 3 * i];
            components[i] = new FrameComponent(body[6 + 3 * i], sampling >> 4, sampling & 0x0F);
            if (components[i] is not { H: >= 1 and <= 4, V: >= 1 and <= 4 })
                return null;
        }
        var height = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        var width = BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
        return width == 0 || height == 0 ? null : new JpegFrame(marker, width, height, components);
    }

    /// <summary>DHT: one or more tables, each a class/slot byte, 16 counts and the symbols.</summary>
    /// <returns>Null, or what is wrong.</returns>
    public string? ParseHuffmanTables(ReadOnlySpan<byte> body)
    {
        while (!body.IsEmpty)
        {
            int tableClass = body[0] >> 4, slot = body[0] & 0x0F;
            if (tableClass > 1 || slot > 3)
                return $"a Huffman table has class {tableClass} and slot {slot}";
            var table = HuffmanTable.Parse(body[1..], tableClass == 0, out var used, out var error);
            if (table is null)
                return error;
            (tableClass == 0 ? _dc : _ac)[slot] = table;
            body = body[(1 + used)..];
        }
        return null;
    }

    /// <summary>DRI: two bytes.</summary>
    public bool ParseRestartInterval(ReadOnlySpan<byte> body)
    {
        if (body.Length != 2)
            return false;
        RestartInterval = BinaryPrimitives.ReadUInt16BigEndian(body);
        return true;
    }

    /// <summary>SOS: component count, then id and tables per component, then spectral selection and approximation.</summary>
    public JpegScan? ParseScan(JpegFrame frame, ReadOnlySpan<byte> body)
    {
        if (body.Length < 1 || body[0] is 0 or > 4 || body.Length != 4 + 2 * body[0])
            return null;
        int count = body[0];
        var components = new int[count];
        var dc = new HuffmanTable?[count];
        var ac = new HuffmanTable?[count];
        for (var i = 0; i < count; i++)
        {
            var id = body[1 + 2 * i];
            components[i] = Array.FindIndex(frame.Components, c => c.Id == id);
            int dcSlot = body[2 + 2 * i] >> 4, acSlot = body[2 + 2 * i] & 0x0F;
            if (components[i] < 0 || components.AsSpan(0, i).Contains(components[i]) || dcSlot > 3 || acSlot > 3)
                return null;
            (dc[i], ac[i]) = (_dc[dcSlot], _ac[acSlot]);
        }
        int start = body[^3], end = body[^2], approximation = body[^1];
        var sequential = frame.Marker is not (0xC2 or 0xC6 or 0xCA or 0xCE);
        if (sequential && frame.IsDct && (start != 0 || end != 63 || approximation != 0))
            return null; // a sequential scan codes whole blocks
        if (start > end || end > 63)
            return null;
        foreach (var component in components)
            if (!_scanned.Add(component) && sequential)
                return null; // a sequential frame codes each component once
        return new JpegScan(components, dc, ac);
    }

    /// <exception cref="ImageSearch.Embedding.Imaging.ImageRejectedException">A component was never coded.</exception>
    public void CheckAllComponentsScanned(JpegFrame frame)
    {
        if (_scanned.Count < frame.Components.Length)
            throw JpegValidator.Corrupt($"only {_scanned.Count} of the {frame.Components.Length} components have scan data");
    }
}
