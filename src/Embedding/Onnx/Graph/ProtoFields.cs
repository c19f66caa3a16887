using Google.Protobuf;

namespace ImageSearch.Embedding.Onnx.Graph;

/// <summary>
/// One protobuf field kept as it came (its tag and value), so fields a class does not model survive a round trip.
/// </summary>
internal readonly record struct RawField(uint Tag, ulong Scalar, ByteString? Bytes);

/// <summary>Reading and writing helpers shared by the ONNX graph classes: one field at a time, on the wire format.</summary>
internal static class ProtoFields
{
    /// <summary>Calls <paramref name="read"/> for each field; it returns false for fields it does not model, which are kept raw.</summary>
    public static List<RawField> Read(ByteString message, Func<uint, CodedInputStream, bool> read)
    {
        var unknown = new List<RawField>();
        var input = message.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (read(tag, input))
                continue;
            unknown.Add(ReadValue(tag, input));
        }
        return unknown;
    }

    public static bool IsPacked(uint tag) => WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited;

    /// <summary>Reads a repeated scalar field in either its packed or unpacked form.</summary>
    public static void ReadRepeated<T>(uint tag, CodedInputStream input, Func<CodedInputStream, T> readOne, List<T> into)
    {
        if (!IsPacked(tag))
        {
            into.Add(readOne(input));
            return;
        }
        var inner = input.ReadBytes().CreateCodedInput();
        while (!inner.IsAtEnd)
            into.Add(readOne(inner));
    }

    public static ByteString Write(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream, leaveOpen: true);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static void WriteRaw(CodedOutputStream output, IEnumerable<RawField> fields)
    {
        foreach (var field in fields)
        {
            output.WriteTag(field.Tag);
            switch (WireFormat.GetTagWireType(field.Tag))
            {
                case WireFormat.WireType.Varint: output.WriteUInt64(field.Scalar); break;
                case WireFormat.WireType.Fixed64: output.WriteFixed64(field.Scalar); break;
                case WireFormat.WireType.Fixed32: output.WriteFixed32((uint)field.Scalar); break;
                default: output.WriteBytes(field.Bytes); break;
            }
        }
    }

    public static void WriteMessage(CodedOutputStream output, int field, ByteString message)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(message);
    }

    public static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    public static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    private static RawField ReadValue(uint tag, CodedInputStream input) => WireFormat.GetTagWireType(tag) switch
    {
        WireFormat.WireType.Varint => new RawField(tag, input.ReadUInt64(), null),
        WireFormat.WireType.Fixed64 => new RawField(tag, input.ReadFixed64(), null),
        WireFormat.WireType.Fixed32 => new RawField(tag, input.ReadFixed32(), null),
        WireFormat.WireType.LengthDelimited => new RawField(tag, 0, input.ReadBytes()),
        _ => throw new InvalidDataException($"unsupported protobuf wire type in tag {tag}"),
    };
}
