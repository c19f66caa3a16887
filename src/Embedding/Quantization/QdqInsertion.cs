using System.Runtime.InteropServices;
using ImageSearch.Embedding.Onnx.Graph;

namespace ImageSearch.Embedding.Quantization;

/// <summary>
/// Writes the QDQ form of a prepared float graph: each activation read by an integer-capable op passes through
/// QuantizeLinear → DequantizeLinear (uint8, calibrated), and each Conv reads int8 weights with one symmetric scale per
/// output channel and an int32 bias at input scale × weight scale. ONNX Runtime recognises these patterns and runs
/// QLinearConv, QLinearAdd and uint8 MaxPool in their place. Original tensor names are kept (a producer still writes
/// its tensor, which now feeds only the QuantizeLinear); the quantized copies get new names, so anything that asks for
/// an original activation by name (an extra output) still finds it.
/// </summary>
internal static class QdqInsertion
{
    /// <summary>Ops whose activation inputs are quantized; AveragePool only so the residual Add before it stays int8.</summary>
    private static readonly HashSet<string> QuantizedReaders = ["Conv", "Add", "MaxPool", "AveragePool"];

    /// <summary>The activation tensors that get a QuantizeLinear → DequantizeLinear pair, in graph order.</summary>
    public static List<string> Activations(OnnxModel model)
    {
        var stored = model.Initializers.Select(t => t.TensorName).ToHashSet();
        return model.Nodes.Where(n => QuantizedReaders.Contains(n.Op))
            .SelectMany(n => n.Op == "Conv" ? n.Inputs.Take(1) : n.Inputs)
            .Where(t => t.Length > 0 && !stored.Contains(t))
            .Distinct()
            .ToList();
    }

    public static void Apply(OnnxModel model, IReadOnlyDictionary<string, ActivationQuantization> activations)
    {
        foreach (var conv in model.Nodes.Where(n => n.Op == "Conv").ToList())
            QuantizeWeights(model, conv, activations[conv.Inputs[0]]);
        foreach (var (tensor, encoding) in activations)
            InsertPair(model, tensor, encoding);
        FloatGraphPreparation.RemoveUnused(model);
    }

    private static void InsertPair(OnnxModel model, string tensor, ActivationQuantization encoding)
    {
        var (scale, zeroPoint, quantized, dequantized) = ($"{tensor}/scale", $"{tensor}/zero_point", $"{tensor}/quantized", $"{tensor}/dequantized");
        var readers = model.Consumers(tensor).ToList();
        model.Initializers.Add(OnnxTensor.FromFloats(scale, [], [encoding.Scale]));
        model.Initializers.Add(new OnnxTensor(zeroPoint, OnnxDataType.Uint8, [], [encoding.ZeroPoint]));
        var producer = model.Producer(tensor);
        var at = producer is null ? 0 : model.Nodes.IndexOf(producer) + 1;
        model.Nodes.InsertRange(at,
        [
            new OnnxNode("QuantizeLinear", [tensor, scale, zeroPoint], [quantized], $"{tensor}/QuantizeLinear"),
            new OnnxNode("DequantizeLinear", [quantized, scale, zeroPoint], [dequantized], $"{tensor}/DequantizeLinear"),
        ]);
        foreach (var reader in readers)
            for (var i = 0; i < reader.Inputs.Count; i++)
                if (reader.Inputs[i] == tensor)
                    reader.Inputs[i] = dequantized;
    }

    private static void QuantizeWeights(OnnxModel model, OnnxNode conv, ActivationQuantization input)
    {
        var weight = model.Initializer(conv.Inputs[1]) ?? throw new NotSupportedException($"Conv '{conv.NodeName}' has no stored weights");
        var values = weight.ToFloats();
        var channels = (int)weight.Shape[0];
        var perChannel = values.Length / channels;
        var (quantized, scales) = (new sbyte[values.Length], new float[channels]);
        for (var c = 0; c < channels; c++)
        {
            var row = values.AsSpan(c * perChannel, perChannel);
            var largest = 0f;
            foreach (var v in row)
                largest = MathF.Max(largest, MathF.Abs(v));
            scales[c] = largest > 0 ? largest / 127f : 1f;
            for (var i = 0; i < perChannel; i++)
                quantized[c * perChannel + i] = (sbyte)Math.Clamp(MathF.Round(row[i] / scales[c], MidpointRounding.ToEven), -127, 127);
        }
        var name = weight.TensorName;
        model.Initializers.Add(new OnnxTensor($"{name}/quantized", OnnxDataType.Int8, weight.Shape, MemoryMarshal.AsBytes(quantized.AsSpan()).ToArray()));
        model.Initializers.Add(OnnxTensor.FromFloats($"{name}/scale", [channels], scales));
        model.Initializers.Add(new OnnxTensor($"{name}/zero_point", OnnxDataType.Int8, [channels], new byte[channels]));
        model.Nodes.Insert(0, PerChannelDequantize(name));
        conv.Inputs[1] = $"{name}/dequantized";

        if (conv.Inputs.Count < 3 || model.Initializer(conv.Inputs[2]) is not { } bias)
            return;
        var biasValues = bias.ToFloats();
        var (biasQuantized, biasScales) = (new int[channels], new float[channels]);
        for (var c = 0; c < channels; c++)
        {
            biasScales[c] = input.Scale * scales[c];
            biasQuantized[c] = (int)Math.Clamp(Math.Round(biasValues[c] / (double)biasScales[c], MidpointRounding.ToEven), int.MinValue + 1, int.MaxValue);
        }
        name = bias.TensorName;
        model.Initializers.Add(OnnxTensor.FromInt32s($"{name}/quantized", [channels], biasQuantized));
        model.Initializers.Add(OnnxTensor.FromFloats($"{name}/scale", [channels], biasScales));
        model.Initializers.Add(OnnxTensor.FromInt32s($"{name}/zero_point", [channels], new int[channels]));
        model.Nodes.Insert(0, PerChannelDequantize(name));
        conv.Inputs[2] = $"{name}/dequantized";
    }

    private static OnnxNode PerChannelDequantize(string name) => new("DequantizeLinear",
        [$"{name}/quantized", $"{name}/scale", $"{name}/zero_point"], [$"{name}/dequantized"], $"{name}/DequantizeLinear", OnnxAttribute.Int("axis", 0));
}
