using System.Runtime.InteropServices;
using ImageSearch.Embedding.Onnx.Graph;

namespace ImageSearch.Embedding.Onnx;

/// <summary>
/// Converts a float model to float16 weights and activations, keeping a float32 input and output (a Cast at each end),
/// so callers feed and read the same tensors as before. Every float initializer, Constant value and value_info changes type.
/// </summary>
internal static class Float16Conversion
{
    public static OnnxModel Convert(OnnxModel model, string input, string output)
    {
        var converted = new HashSet<string>();
        foreach (var tensor in model.Initializers.Where(t => t.Type == OnnxDataType.Float))
        {
            ToHalf(tensor);
            converted.Add(tensor.TensorName);
        }
        foreach (var node in model.Nodes.Where(n => n.Op == "Constant"))
            for (var i = 0; i < node.Attributes.Count; i++)
                if (node.Attributes[i].AsTensor() is { Type: OnnxDataType.Float } value)
                {
                    ToHalf(value);
                    node.Attributes[i] = OnnxAttribute.Tensor(node.Attributes[i].Name, value);
                }
        // Old IR versions list every initializer as a graph input too.
        foreach (var info in model.Inputs.Where(i => converted.Contains(i.ValueName)))
            info.ElementType = OnnxDataType.Float16;
        foreach (var info in model.ValueInfo.Where(v => v.ElementType == OnnxDataType.Float && v.ValueName != input && v.ValueName != output))
            info.ElementType = OnnxDataType.Float16;

        var (halfInput, halfOutput) = (input + "_fp16", output + "_fp16");
        foreach (var node in model.Nodes)
        {
            Rename(node.Inputs, input, halfInput);
            Rename(node.Outputs, output, halfOutput);
        }
        model.Nodes.Insert(0, new OnnxNode("Cast", [input], [halfInput], "input_to_fp16", OnnxAttribute.Int("to", (long)OnnxDataType.Float16)));
        model.Nodes.Add(new OnnxNode("Cast", [halfOutput], [output], "output_to_fp32", OnnxAttribute.Int("to", (long)OnnxDataType.Float)));
        return model;
    }

    private static void ToHalf(OnnxTensor tensor)
    {
        var floats = MemoryMarshal.Cast<byte, float>(tensor.RawData);
        var halves = new Half[floats.Length];
        for (var i = 0; i < floats.Length; i++)
            halves[i] = (Half)floats[i];
        tensor.RawData = MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
        tensor.Type = OnnxDataType.Float16;
    }

    private static void Rename(List<string> names, string from, string to)
    {
        for (var i = 0; i < names.Count; i++)
            if (names[i] == from)
                names[i] = to;
    }
}
