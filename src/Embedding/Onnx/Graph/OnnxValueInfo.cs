using Google.Protobuf;

namespace ImageSearch.Embedding.Onnx.Graph;

/// <summary>One dimension of a tensor shape: a fixed size, a symbolic name, or neither (unknown).</summary>
public readonly record struct OnnxDim(long? Value, string? Param = null)
{
    public static implicit operator OnnxDim(long value) => new(value);
    public static implicit operator OnnxDim(string param) => new(null, param);
    public override string ToString() => Value?.ToString() ?? Param ?? "?";
}

/// <summary>A graph input, output or value_info entry: a name with a tensor element type and shape.</summary>
public sealed class OnnxValueInfo(string name, OnnxDataType type, IEnumerable<OnnxDim> shape)
{
    // Field numbers from onnx.proto (ValueInfoProto → TypeProto → Tensor → TensorShapeProto → Dimension).
    private const int Name = 1, Type = 2, TensorType = 1, ElemType = 1, Shape = 2, Dim = 1, DimValue = 1, DimParam = 2;

    public string ValueName { get; set; } = name;
    public OnnxDataType ElementType { get; set; } = type;
    public List<OnnxDim> Dims { get; } = shape.ToList();

    internal static OnnxValueInfo Parse(ByteString message)
    {
        var (name, type, dims) = ("", 0, new List<OnnxDim>());
        ProtoFields.Read(message, (tag, input) =>
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case Name: name = input.ReadString(); return true;
                case Type: ReadType(input.ReadBytes()); return true;
                default: return false;
            }
        });
        return new OnnxValueInfo(name, (OnnxDataType)type, dims);

        void ReadType(ByteString typeProto) => Nested(typeProto, TensorType, tensor => ProtoFields.Read(tensor, (tag, input) =>
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case ElemType: type = input.ReadInt32(); return true;
                case Shape: Nested(input.ReadBytes(), Dim, dim => dims.Add(ReadDim(dim))); return true;
                default: return false;
            }
        }));
    }

    internal ByteString Serialize() => ProtoFields.Write(o =>
    {
        ProtoFields.WriteString(o, Name, ValueName);
        var shape = ProtoFields.Write(s =>
        {
            foreach (var dim in Dims)
                ProtoFields.WriteMessage(s, Dim, ProtoFields.Write(d =>
                {
                    if (dim.Value is { } value)
                        ProtoFields.WriteInt64(d, DimValue, value);
                    else if (dim.Param is { } param)
                        ProtoFields.WriteString(d, DimParam, param);
                }));
        });
        var tensor = ProtoFields.Write(t =>
        {
            ProtoFields.WriteInt64(t, ElemType, (long)ElementType);
            ProtoFields.WriteMessage(t, Shape, shape);
        });
        ProtoFields.WriteMessage(o, Type, ProtoFields.Write(t => ProtoFields.WriteMessage(t, TensorType, tensor)));
    });

    private static OnnxDim ReadDim(ByteString dim)
    {
        var result = new OnnxDim(null);
        ProtoFields.Read(dim, (tag, input) =>
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case DimValue: result = new OnnxDim(input.ReadInt64()); return true;
                case DimParam: result = new OnnxDim(null, input.ReadString()); return true;
                default: return false;
            }
        });
        return result;
    }

    private static void Nested(ByteString message, int field, Action<ByteString> each) =>
        ProtoFields.Read(message, (tag, input) =>
        {
            if (WireFormat.GetTagFieldNumber(tag) != field || !ProtoFields.IsPacked(tag))
                return false;
            each(input.ReadBytes());
            return true;
        });
}
