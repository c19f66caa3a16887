using ImageSearch.Embedding.Onnx.Graph;

namespace ImageSearch.Embedding.Quantization;

/// <summary>
/// Readies a float CNN graph for quantization: every BatchNormalization that follows a Conv is folded into the Conv's
/// weights and a new bias (one Conv is both faster and quantizes better, since the folded weights are what the int8 kernel
/// multiplies), then the graph is moved to opset 13, the first where DequantizeLinear takes per-channel scales.
/// Activation tensor names stay as they were: the folded Conv writes the BatchNormalization's output name.
/// </summary>
internal static class FloatGraphPreparation
{
    public const int QuantizationOpset = 13;

    /// <summary>Ops whose semantics are the same from opset 7 to 13 once the attributes dropped since are removed.</summary>
    private static readonly HashSet<string> SupportedOps = ["Conv", "Relu", "Add", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape"];

    /// <summary>Attributes that older opsets accepted and opset 13 does not (BatchNormalization's are gone with it).</summary>
    private static readonly HashSet<string> DroppedAttributes = ["spatial", "momentum", "consumed_inputs", "is_test"];

    public static void Prepare(OnnxModel model)
    {
        if (model.Opsets.Any(o => o.Key is not ("" or "ai.onnx")))
            throw new NotSupportedException($"the model imports operator sets outside ONNX's own ({string.Join(", ", model.Opsets.Keys)}); only standard CNN graphs can be quantized");
        var stored = model.Initializers.Select(t => t.TensorName).ToHashSet();
        FoldBatchNorms(model);
        var unsupported = model.Nodes.Select(n => n.Op).Where(op => !SupportedOps.Contains(op)).Distinct().ToList();
        if (unsupported.Count > 0)
            throw new NotSupportedException($"the quantizer handles Conv/BatchNormalization/Relu/Add/pooling graphs; this model also has {string.Join(", ", unsupported)}");
        foreach (var node in model.Nodes)
            node.Attributes.RemoveAll(a => DroppedAttributes.Contains(a.Name) || a.Name == "auto_pad" && string.IsNullOrEmpty(a.AsString()));
        // Below IR 4 every initializer is also a graph input, which makes it overridable at run time: ONNX Runtime then
        // may not fold or fuse it. Listing only the real inputs lets the QDQ fusions see constant weights.
        model.Inputs.RemoveAll(i => stored.Contains(i.ValueName));
        model.ValueInfo.Clear(); // shapes recorded by the exporter name tensors that folding removed
        model.Opsets[""] = QuantizationOpset;
        model.Opsets.Remove("ai.onnx");
        model.IrVersionNumber = Math.Max(model.IrVersionNumber, 7);
    }

    private static void FoldBatchNorms(OnnxModel model)
    {
        foreach (var norm in model.Nodes.Where(n => n.Op == "BatchNormalization").ToList())
        {
            var conv = model.Producer(norm.Inputs[0]);
            if (conv is not { Op: "Conv" } || model.Consumers(norm.Inputs[0]).Count() != 1 || model.Outputs.Any(o => o.ValueName == norm.Inputs[0]))
                throw new NotSupportedException($"BatchNormalization '{norm.NodeName}' does not follow a Conv alone, so it cannot be folded");
            var (gamma, beta, mean, variance) = (Floats(model, norm.Inputs[1]), Floats(model, norm.Inputs[2]), Floats(model, norm.Inputs[3]), Floats(model, norm.Inputs[4]));
            var epsilon = norm.Attribute("epsilon")?.AsFloat() ?? 1e-5f;
            var weight = model.Initializer(conv.Inputs[1]) ?? throw new NotSupportedException($"Conv '{conv.NodeName}' has no stored weights");
            var weights = weight.ToFloats();
            var channels = gamma.Length;
            var perChannel = weights.Length / channels;
            var bias = conv.Inputs.Count > 2 && conv.Inputs[2].Length > 0 ? Floats(model, conv.Inputs[2]) : new float[channels];
            var folded = new float[weights.Length];
            var foldedBias = new float[channels];
            for (var c = 0; c < channels; c++)
            {
                var factor = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                for (var i = 0; i < perChannel; i++)
                    folded[c * perChannel + i] = weights[c * perChannel + i] * factor;
                foldedBias[c] = (bias[c] - mean[c]) * factor + beta[c];
            }
            var name = conv.NodeName.Length > 0 ? conv.NodeName : norm.Outputs[0];
            model.Initializers.Add(OnnxTensor.FromFloats($"{name}/folded_weight", weight.Shape, folded));
            model.Initializers.Add(OnnxTensor.FromFloats($"{name}/folded_bias", [channels], foldedBias));
            conv.Inputs.RemoveRange(1, conv.Inputs.Count - 1);
            conv.Inputs.AddRange([$"{name}/folded_weight", $"{name}/folded_bias"]);
            conv.Outputs[0] = norm.Outputs[0];
            model.Nodes.Remove(norm);
        }
        RemoveUnused(model);
    }

    /// <summary>Drops initializers that no node reads any more.</summary>
    public static void RemoveUnused(OnnxModel model)
    {
        var read = model.Nodes.SelectMany(n => n.Inputs).ToHashSet();
        model.Initializers.RemoveAll(t => !read.Contains(t.TensorName));
    }

    private static float[] Floats(OnnxModel model, string name) =>
        (model.Initializer(name) ?? throw new NotSupportedException($"'{name}' is not a stored tensor")).ToFloats();
}
