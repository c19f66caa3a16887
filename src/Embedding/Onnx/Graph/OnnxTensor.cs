using System.Runtime.InteropServices;
using Google.Protobuf;

namespace ImageSearch.Embedding.Onnx.Graph;

/// <summary>ONNX element types (TensorProto.DataType) the project reads or writes.</summary>
public enum OnnxDataType
{
    Float = 1, Uint8 = 2, Int8 = 3, Uint16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, Bool = 9, Float16 = 10, Double = 11,
}

/// <summary>
/// A stored tensor (an initializer or a Constant's value). Whatever field the file used for the values, they are held as
/// little-endian bytes in <see cref="RawData"/>, which is how they are written back.
/// </summary>
public sealed class OnnxTensor
{
    // Field numbers from onnx.proto (TensorProto).
    private const int Dims = 1, DataType = 2, FloatData = 4, Int32Data = 5, Int64Data = 7, Name = 8, Raw = 9, DoubleData = 10, ExternalData = 13;

    private List<RawField> _unknown = [];

    public OnnxTensor(string name, OnnxDataType type, long[] dims, byte[] rawData)
    {
        (TensorName, Type, Shape, RawData) = (name, type, dims, rawData);
    }

    public string TensorName { get; set; }
    public OnnxDataType Type { get; set; }
    public long[] Shape { get; set; }
    public byte[] RawData { get; set; }

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public static OnnxTensor FromFloats(string name, long[] dims, ReadOnlySpan<float> values) =>
        new(name, OnnxDataType.Float, dims, MemoryMarshal.AsBytes(values).ToArray());

    public static OnnxTensor FromInt64s(string name, long[] dims, ReadOnlySpan<long> values) =>
        new(name, OnnxDataType.Int64, dims, MemoryMarshal.AsBytes(values).ToArray());

    public static OnnxTensor FromInt32s(string name, long[] dims, ReadOnlySpan<int> values) =>
        new(name, OnnxDataType.Int32, dims, MemoryMarshal.AsBytes(values).ToArray());

    public float[] ToFloats() => Type == OnnxDataType.Float
        ? MemoryMarshal.Cast<byte, float>(RawData).ToArray()
        : throw new InvalidDataException($"tensor '{TensorName}' holds {Type}, not float");

    public long[] ToInt64s() => Type == OnnxDataType.Int64
        ? MemoryMarshal.Cast<byte, long>(RawData).ToArray()
        : throw new InvalidDataException($"tensor '{TensorName}' holds {Type}, not int64");

    internal static OnnxTensor Parse(ByteString message)
    {
        var (name, type, dims, raw) = ("", 0, new List<long>(), new List<byte>());
        var (floats, ints, longs, doubles) = (new List<float>(), new List<int>(), new List<long>(), new List<double>());
        var unknown = ProtoFields.Read(message, (tag, input) =>
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case Dims: ProtoFields.ReadRepeated(tag, input, s => s.ReadInt64(), dims); return true;
                case DataType: type = input.ReadInt32(); return true;
                case Name: name = input.ReadString(); return true;
                case Raw: raw.AddRange(input.ReadBytes().ToByteArray()); return true;
                case FloatData: ProtoFields.ReadRepeated(tag, input, s => s.ReadFloat(), floats); return true;
                case Int32Data: ProtoFields.ReadRepeated(tag, input, s => s.ReadInt32(), ints); return true;
                case Int64Data: ProtoFields.ReadRepeated(tag, input, s => s.ReadInt64(), longs); return true;
                case DoubleData: ProtoFields.ReadRepeated(tag, input, s => s.ReadDouble(), doubles); return true;
                case ExternalData: throw new InvalidDataException($"tensor '{name}' keeps its values in an external file, which is not supported");
                default: return false;
            }
        });
        var dataType = (OnnxDataType)type;
        var bytes = raw.Count > 0 ? raw.ToArray()
            : floats.Count > 0 ? MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(floats)).ToArray()
            : longs.Count > 0 ? MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(longs)).ToArray()
            : doubles.Count > 0 ? MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(doubles)).ToArray()
            : NarrowInt32Data(ints, dataType);
        return new OnnxTensor(name, dataType, dims.ToArray(), bytes) { _unknown = unknown };
    }

    internal ByteString Serialize() => ProtoFields.Write(output =>
    {
        foreach (var dim in Shape)
            ProtoFields.WriteInt64(output, Dims, dim);
        ProtoFields.WriteInt64(output, DataType, (long)Type);
        ProtoFields.WriteString(output, Name, TensorName);
        ProtoFields.WriteMessage(output, Raw, ByteString.CopyFrom(RawData));
        ProtoFields.WriteRaw(output, _unknown);
    });

    /// <summary>int32_data holds one element per entry for every type of 32 bits or fewer (fp16 as its bit pattern).</summary>
    private static byte[] NarrowInt32Data(List<int> values, OnnxDataType type) => type switch
    {
        OnnxDataType.Int32 => MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(values)).ToArray(),
        OnnxDataType.Int8 or OnnxDataType.Uint8 or OnnxDataType.Bool => values.Select(v => (byte)v).ToArray(),
        OnnxDataType.Int16 or OnnxDataType.Uint16 or OnnxDataType.Float16 =>
            MemoryMarshal.AsBytes(values.Select(v => (ushort)v).ToArray().AsSpan()).ToArray(),
        _ when values.Count == 0 => [],
        _ => throw new InvalidDataException($"int32_data is not valid for element type {type}"),
    };
}
