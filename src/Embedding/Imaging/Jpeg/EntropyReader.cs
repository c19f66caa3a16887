using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ImageSearch.Embedding.Imaging.Jpeg;

/// <summary>
/// Reads the bits of one entropy-coded segment (a scan, or one restart interval of it): FF 00 is a data byte FF, any
/// other FF xx (after optional fill FFs) is the marker that ends the segment. It never reads past that marker, and
/// reports a code or value that would need bits beyond it, where libjpeg would quietly feed zeros ("premature end of
/// data segment").
/// </summary>
/// <remarks>
/// Only <see cref="Decode"/>, which inlines, takes the reader by reference; everything else takes it by value. A local
/// whose address reaches a call that is not inlined lives in memory, and then every symbol would load and store the bit
/// buffer; this way the JIT keeps it in registers through the decode loop.
/// </remarks>
internal ref struct EntropyReader(ReadOnlySpan<byte> data, int start)
{
    /// <summary>Returned by <see cref="Decode"/> for bits that are no code of the table.</summary>
    public const int BadCode = -1;

    /// <summary>Returned by <see cref="Decode"/> when the segment ended first.</summary>
    public const int EndOfData = -2;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _pos = start;   // the next byte to load
    private ulong _bits;        // unread bits, most significant first
    private int _count;         // how many of them there are
    private bool _atMarker;     // _pos is at the marker (or the end of the file) that ends the segment

    /// <summary>Decodes one symbol of <paramref name="table"/> and skips the <c>s</c> extra bits that follow it (s = symbol's low 4 bits).</summary>
    /// <returns>The symbol, <see cref="BadCode"/> or <see cref="EndOfData"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(HuffmanTable table)
    {
        if (_count < 32)
        {
            // Most of the time the next 8 bytes hold no FF: take as many whole bytes as fit at once.
            ulong word;
            if (!_atMarker && _pos + 8 <= _data.Length && HasNoFF(word = BinaryPrimitives.ReadUInt64BigEndian(_data[_pos..])))
            {
                var take = (64 - _count) >> 3;
                _bits |= word >> (64 - 8 * take) << (64 - _count - 8 * take);
                _pos += take;
                _count += 8 * take;
            }
            else
                this = FillBytewise(this);
        }
        var entry = table.Decode((uint)(_bits >> 48));
        if (entry == 0)
            return _count >= 16 ? BadCode : EndOfData; // fewer bits than the longest code: zeros were looked at
        var skip = entry >> 8;
        if (skip > _count)
            return EndOfData;
        _bits <<= skip;
        _count -= skip;
        return entry & 0xFF;
    }

    /// <summary>
    /// Where the segment ends: the offset of the marker after it (its first FF), when only the padding of the last byte
    /// (fewer than 8 bits) is left before that marker; else -1, and <paramref name="extraneous"/> is how many whole bytes are.
    /// </summary>
    public static int End(EntropyReader reader, out int extraneous)
    {
        reader = FillBytewise(reader);
        extraneous = reader._count / 8;
        if (reader._atMarker && extraneous == 0)
            return reader._pos;
        while (!reader._atMarker) // count what is left up to the marker, for the message
        {
            reader._bits = 0;
            reader._count = 0;
            reader = FillBytewise(reader);
            extraneous += reader._count / 8;
        }
        return -1;
    }

    /// <summary>The marker at <paramref name="position"/> (fill bytes skipped, which moves it), or -1 at the end of the file.</summary>
    public static int Marker(ReadOnlySpan<byte> data, ref int position)
    {
        while (position + 1 < data.Length && data[position + 1] == 0xFF)
            position++;
        return position + 1 < data.Length ? data[position + 1] : -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasNoFF(ulong word)
    {
        var inverted = ~word; // an FF byte is a zero byte here
        return ((inverted - 0x0101010101010101UL) & ~inverted & 0x8080808080808080UL) == 0;
    }

    private static EntropyReader FillBytewise(EntropyReader r)
    {
        while (r._count <= 56 && !r._atMarker)
        {
            var b = r._data[r._pos < r._data.Length ? r._pos : 0];
            if (r._pos >= r._data.Length || (b == 0xFF && (r._pos + 1 >= r._data.Length || r._data[r._pos + 1] != 0x00)))
                r._atMarker = true;
            else
            {
                r._pos += b == 0xFF ? 2 : 1; // FF 00 is a data byte FF
                r._bits |= (ulong)b << (56 - r._count);
                r._count += 8;
            }
        }
        return r;
    }
}
