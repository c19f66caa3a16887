using System.Runtime.CompilerServices;

namespace ImageSearch.Embedding.Imaging.Jpeg;

/// <summary>
/// One Huffman table of a DHT segment, built as the JPEG standard's canonical code (Annex C) with libjpeg's validity
/// rules: at most 256 symbols, no code of all 1-bits, DC symbols up to 15. Codes up to <see cref="FastBits"/> long are
/// found with one lookup; longer ones by comparing with the largest code of each length. A symbol's low 4 bits are how
/// many extra bits follow its code (a DC difference's size; an AC coefficient's), so a lookup gives the bits to skip.
/// </summary>
internal sealed class HuffmanTable
{
    private const int FastBits = 9;

    // Per 9-bit prefix: (bits to skip << 8) | symbol, or 0 when the code is longer (or there is none).
    private readonly ushort[] _fast = new ushort[1 << FastBits];
    // Per length 1..16: the largest code of that length (-1 when none) and the offset from a code to its symbol's index.
    private readonly int[] _maxCode = new int[17];
    private readonly int[] _symbolOffset = new int[17];
    private readonly byte[] _symbols;

    private HuffmanTable(byte[] symbols) => _symbols = symbols;

    /// <summary>Parses one table (16 counts, then the symbols) from the start of <paramref name="data"/>.</summary>
    /// <returns>The table, or null with <paramref name="error"/> set; <paramref name="used"/> is the bytes it took.</returns>
    public static HuffmanTable? Parse(ReadOnlySpan<byte> data, bool isDc, out int used, out string? error)
    {
        used = 0;
        error = null;
        if (data.Length < 16)
            return Fail("a Huffman table is cut short", out error);
        var total = 0;
        for (var length = 0; length < 16; length++)
            total += data[length];
        if (total > 256 || 16 + total > data.Length)
            return Fail($"a Huffman table claims {total} symbols", out error);
        var table = new HuffmanTable(data.Slice(16, total).ToArray());
        if (isDc && table._symbols.Any(s => s > 15))
            return Fail("a DC Huffman table has a symbol over 15", out error);
        var code = 0;
        var index = 0;
        for (var length = 1; length <= 16; length++)
        {
            int count = data[length - 1];
            table._symbolOffset[length] = index - code;
            for (var i = 0; i < count; i++, code++, index++)
            {
                // Each code must fit its length and leave the all-ones code free (the standard reserves it; libjpeg
                // refuses a table that uses it): more codes than that means the counts are corrupt.
                if (code + 1 >= 1 << length)
                    return Fail("a Huffman table has more codes than fit their lengths", out error);
                if (length <= FastBits)
                    table._fast.AsSpan(code << (FastBits - length), 1 << (FastBits - length)).Fill((ushort)Entry(length, table._symbols[index]));
            }
            table._maxCode[length] = count == 0 ? -1 : code - 1;
            code <<= 1;
        }
        used = 16 + total;
        return table;
    }

    /// <summary>Decodes the code at the top of <paramref name="next16"/>.</summary>
    /// <returns>(bits to skip &lt;&lt; 8) | symbol, or 0 when no code of this table starts with these bits; the bits to skip
    /// are the code's and its extra bits', which is all a check needs to step to the next code.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(uint next16)
    {
        var fast = _fast[next16 >> (16 - FastBits)];
        return fast != 0 ? fast : DecodeLong(next16);
    }

    private int DecodeLong(uint next16)
    {
        for (var length = FastBits + 1; length <= 16; length++)
        {
            var code = (int)(next16 >> (16 - length));
            if (code <= _maxCode[length])
                return Entry(length, _symbols[_symbolOffset[length] + code]);
        }
        return 0;
    }

    private static int Entry(int length, byte symbol) => (length + (symbol & 0x0F)) << 8 | symbol;

    private static HuffmanTable? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
