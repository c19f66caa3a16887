using ImageSearch.Embedding.Onnx;
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
        BatchNormFolding.Fold(model);
        if (model.Nodes.FirstOrDefault(n => n.Op == "BatchNormalization") is { } left)
            throw new NotSupportedException($"BatchNormalization '{left.NodeName}' does not follow a Conv alone, so it cannot be folded");
    }

    /// <summary>Drops initializers that no node reads any more.</summary>
    public static void RemoveUnused(OnnxModel model)
    {
        var read = model.Nodes.SelectMany(n => n.Inputs).ToHashSet();
        model.Initializers.RemoveAll(t => !read.Contains(t.TensorName));
    }
}
