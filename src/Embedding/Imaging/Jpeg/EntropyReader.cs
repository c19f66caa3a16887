using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ImageSearch.Embedding.Imaging.Jpeg;

/// <summary>
/// Reads the bits of a scan's entropy-coded segment: FF 00 is a data byte FF, any other FF xx (after optional fill FFs) is
/// the marker that ends the segment. It never reads past that marker, and reports a code or value that would need bits
/// beyond it, where libjpeg would quietly feed zeros ("premature end of data segment").
/// </summary>
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

    /// <summary>The offset of the marker that ends the current segment (its first FF), once <see cref="AtSegmentEnd"/> said so.</summary>
    public readonly int Position => _pos;

    /// <summary>Decodes one symbol of <paramref name="table"/> and skips the <c>s</c> extra bits that follow it (s = symbol's low 4 bits).</summary>
    /// <returns>The symbol, <see cref="BadCode"/> or <see cref="EndOfData"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(HuffmanTable table)
    {
        if (_count < 32)
            Fill();
        var entry = table.Decode((uint)(_bits >> 48));
        if (entry == 0)
            return _count >= 16 ? BadCode : EndOfData; // fewer bits than the longest code: zeros were looked at
        var length = entry >> 8;
        var symbol = entry & 0xFF;
        var total = length + (symbol & 0x0F);
        if (total > _count)
            return EndOfData;
        _bits <<= total;
        _count -= total;
        return symbol;
    }

    /// <summary>
    /// Whether the segment ends here: only the padding of the last byte (fewer than 8 bits) is left before a marker.
    /// <paramref name="extraneous"/> is how many whole bytes are left otherwise.
    /// </summary>
    public bool AtSegmentEnd(out int extraneous)
    {
        Fill();
        if (_atMarker && _count < 8)
        {
            extraneous = 0;
            return true;
        }
        extraneous = _count / 8;
        while (!_atMarker) // count what is left up to the marker, for the message
        {
            _bits = 0;
            _count = 0;
            Fill();
            extraneous += _count / 8;
        }
        return false;
    }

    /// <summary>The marker at <see cref="Position"/> (fill bytes skipped), or -1 at the end of the file.</summary>
    public int Marker()
    {
        while (_pos + 1 < _data.Length && _data[_pos + 1] == 0xFF)
            _pos++;
        return _pos + 1 < _data.Length ? _data[_pos + 1] : -1;
    }

    /// <summary>Steps over a restart marker and starts the next segment on a byte boundary.</summary>
    public void SkipRestartMarker()
    {
        _pos += 2;
        _bits = 0;
        _count = 0;
        _atMarker = false;
    }

    private void Fill()
    {
        while (_count <= 56 && !_atMarker)
        {
            // Most of the time the next 8 bytes hold no FF: take as many whole bytes as fit at once.
            if (_pos + 8 <= _data.Length)
            {
                var word = BinaryPrimitives.ReadUInt64BigEndian(_data[_pos..]);
                var inverted = ~word; // an FF byte is a zero byte here
                if (((inverted - 0x0101010101010101UL) & ~inverted & 0x8080808080808080UL) == 0)
                {
                    var take = (64 - _count) >> 3;
                    _bits |= word >> (64 - 8 * take) << (64 - _count - 8 * take);
                    _pos += take;
                    _count += 8 * take;
                    return;
                }
            }
            var b = _data[_pos < _data.Length ? _pos : 0];
            if (_pos >= _data.Length || (b == 0xFF && (_pos + 1 >= _data.Length || _data[_pos + 1] != 0x00)))
            {
                _atMarker = true;
                break;
            }
            _pos += b == 0xFF ? 2 : 1; // FF 00 is a data byte FF
            _bits |= (ulong)b << (56 - _count);
            _count += 8;
        }
    }
}
