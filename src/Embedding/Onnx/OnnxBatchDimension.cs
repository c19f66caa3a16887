using Google.Protobuf;

namespace ImageSearch.Embedding.Onnx;

/// <summary>
/// Makes a model's fixed batch size of 1 symbolic, so one run can embed a whole batch. This is sound for graphs that
/// never reshape with a hard-coded batch (ResNet18's Conv/BatchNorm/Relu/Add/Pool graph); the weights pass through untouched.
/// </summary>
public static class OnnxBatchDimension
{
    // Field numbers from onnx.proto.
    private const int ModelGraph = 7;
    private const int GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    private const int ValueInfoType = 2;
    private const int TypeTensor = 1;
    private const int TensorShape = 2;
    private const int ShapeDim = 1;
    private const int DimValue = 1, DimParam = 2;

    /// <summary>Rewrites dimension 0 of every graph input, output and value_info from 1 to <paramref name="name"/>.</summary>
    /// <returns>The rewritten model, and how many tensor shapes changed.</returns>
    public static (byte[] Model, int Rewritten) MakeSymbolic(byte[] model, string name = "N")
    {
        var rewritten = 0;
        var symbolic = ByteString.CopyFromUtf8(name);
        var result = ProtoMessage.Rewrite(UnsafeByteOperations.UnsafeWrap(model), (field, graph) => field != ModelGraph ? null :
            ProtoMessage.Rewrite(graph, (f, valueInfo) => f is not (GraphInput or GraphOutput or GraphValueInfo) ? null :
                ProtoMessage.Rewrite(valueInfo, (f2, type) => f2 != ValueInfoType ? null :
                    ProtoMessage.Rewrite(type, (f3, tensor) => f3 != TypeTensor ? null :
                        ProtoMessage.Rewrite(tensor, (f4, shape) => f4 != TensorShape ? null : FirstDim(shape))))));
        return (result.ToByteArray(), rewritten);

        ByteString FirstDim(ByteString shape)
        {
            var first = true;
            return ProtoMessage.Rewrite(shape, (field, dim) =>
            {
                if (field != ShapeDim || !first)
                    return null;
                first = false;
                if (!IsOne(dim))
                    return null;
                rewritten++;
                using var stream = new MemoryStream();
                var output = new CodedOutputStream(stream, leaveOpen: true);
                output.WriteTag(DimParam, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(symbolic);
                output.Flush();
                return ByteString.CopyFrom(stream.ToArray());
            });
        }
    }

    private static bool IsOne(ByteString dim)
    {
        var input = dim.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (WireFormat.GetTagFieldNumber(tag) == DimValue && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
                return input.ReadInt64() == 1;
            input.SkipLastField();
        }
        return false;
    }
}
