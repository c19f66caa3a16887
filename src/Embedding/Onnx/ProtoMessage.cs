using Google.Protobuf;

namespace ImageSearch.Embedding.Onnx;

/// <summary>
/// Minimal wire-level protobuf copying, enough to edit a few fields of an ONNX model without its generated classes:
/// every field is copied through unchanged unless the rewriter replaces a length-delimited one.
/// </summary>
internal static class ProtoMessage
{
    /// <summary>Returns <paramref name="replacement"/>'s result for a length-delimited field, or null to keep it.</summary>
    public delegate ByteString? FieldRewriter(int field, ByteString value);

    public static ByteString Rewrite(ByteString message, FieldRewriter replacement)
    {
        var input = message.CreateCodedInput();
        using var stream = new MemoryStream(message.Length + 64);
        var output = new CodedOutputStream(stream, leaveOpen: true);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            output.WriteTag(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint:
                    output.WriteUInt64(input.ReadUInt64());
                    break;
                case WireFormat.WireType.Fixed64:
                    output.WriteFixed64(input.ReadFixed64());
                    break;
                case WireFormat.WireType.Fixed32:
                    output.WriteFixed32(input.ReadFixed32());
                    break;
                case WireFormat.WireType.LengthDelimited:
                    var value = input.ReadBytes();
                    output.WriteBytes(replacement(WireFormat.GetTagFieldNumber(tag), value) ?? value);
                    break;
                default:
                    throw new InvalidDataException($"unsupported protobuf wire type in tag {tag}");
            }
        }
        output.Flush();
        return UnsafeByteOperations.UnsafeWrap(stream.GetBuffer().AsMemory(0, (int)stream.Length));
    }

    /// <summary>The values of every length-delimited field <paramref name="field"/>, in order.</summary>
    public static IEnumerable<ByteString> Fields(ByteString message, int field)
    {
        var input = message.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                yield return input.ReadBytes();
            else
                input.SkipLastField();
        }
    }
}
