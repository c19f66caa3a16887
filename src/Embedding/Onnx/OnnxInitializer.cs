using System.Buffers.Binary;
using Google.Protobuf;

namespace ImageSearch.Embedding.Onnx;

/// <summary>Reads one float initializer (a stored tensor, such as a mean image) out of an ONNX file.</summary>
public static class OnnxInitializer
{
    // Field numbers from onnx.proto.
    private const int ModelGraph = 7, GraphInitializer = 5;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9;
    private const int FloatType = 1;

    /// <returns>The tensor's dimensions and its values in row-major order.</returns>
    public static (long[] Dims, float[] Values) ReadFloats(string onnxPath, string name)
    {
        var model = ByteString.CopyFrom(File.ReadAllBytes(onnxPath));
        foreach (var graph in ProtoMessage.Fields(model, ModelGraph))
            foreach (var tensor in ProtoMessage.Fields(graph, GraphInitializer))
                if (ReadTensor(tensor, name) is { } found)
                    return found;
        throw new InvalidDataException($"initializer '{name}' not found in {onnxPath}");
    }

    private static (long[], float[])? ReadTensor(ByteString tensor, string wanted)
    {
        var dims = new List<long>();
        var values = new List<float>();
        string? name = null;
        var type = 0;
        var input = tensor.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            var packed = WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited;
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case TensorName: name = input.ReadString(); break;
                case TensorDataType: type = input.ReadInt32(); break;
                case TensorDims when packed: ReadPacked(input, s => dims.Add(s.ReadInt64())); break;
                case TensorDims: dims.Add(input.ReadInt64()); break;
                case TensorFloatData when packed: ReadPacked(input, s => values.Add(s.ReadFloat())); break;
                case TensorFloatData: values.Add(input.ReadFloat()); break;
                case TensorRawData: values.AddRange(LittleEndianFloats(input.ReadBytes().Span)); break;
                default: input.SkipLastField(); break;
            }
        }
        if (name != wanted)
            return null;
        if (type != FloatType)
            throw new InvalidDataException($"initializer '{wanted}' has data type {type}, not float");
        var expected = dims.Aggregate(1L, (a, b) => a * b);
        if (values.Count != expected)
            throw new InvalidDataException($"initializer '{wanted}' has {values.Count} values for shape [{string.Join(',', dims)}] (external data is not supported)");
        return (dims.ToArray(), values.ToArray());
    }

    private static void ReadPacked(CodedInputStream input, Action<CodedInputStream> readOne)
    {
        var inner = input.ReadBytes().CreateCodedInput();
        while (!inner.IsAtEnd)
            readOne(inner);
    }

    private static float[] LittleEndianFloats(ReadOnlySpan<byte> raw)
    {
        var result = new float[raw.Length / 4];
        for (var i = 0; i < result.Length; i++)
            result[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
        return result;
    }
}
