using ImageSearch.Embedding.Onnx.Graph;

namespace ImageSearch.Embedding.Onnx;

/// <summary>
/// Folds each BatchNormalization that follows a Conv (and is its output's only reader) into that Conv's weights and bias,
/// in float32; the Conv then writes the BatchNormalization's output name, so activation names stay. Needed before float16
/// (ResNet18's first BatchNormalization holds a variance of 72,281, past float16's largest value, 65,504, while the folded
/// weights are all small) and before int8 (the folded weights are what the int8 kernel multiplies). A BatchNormalization
/// that cannot be folded is left as it is.
/// </summary>
internal static class BatchNormFolding
{
    public static OnnxModel Fold(OnnxModel model)
    {
        foreach (var norm in model.Nodes.Where(n => n.Op == "BatchNormalization").ToList())
        {
            if (model.Producer(norm.Inputs[0]) is not { Op: "Conv" } conv || model.Consumers(norm.Inputs[0]).Count() != 1
                || model.Outputs.Any(o => o.ValueName == norm.Inputs[0])
                || norm.Inputs.Skip(1).Take(4).Select(model.Initializer).ToArray() is not [{ } scale, { } shift, { } mean, { } variance]
                || model.Initializer(conv.Inputs[1]) is not { } weights)
                continue;
            var epsilon = norm.Attribute("epsilon")?.AsFloat() ?? 1e-5f;
            var (g, b, m, v) = (scale.ToFloats(), shift.ToFloats(), mean.ToFloats(), variance.ToFloats());
            var w = weights.ToFloats();
            var bias = conv.Inputs.Count > 2 && model.Initializer(conv.Inputs[2]) is { } existing ? existing.ToFloats() : new float[g.Length];
            var perChannel = w.Length / g.Length;
            for (var o = 0; o < g.Length; o++)
            {
                var factor = g[o] / MathF.Sqrt(v[o] + epsilon);
                for (var i = o * perChannel; i < (o + 1) * perChannel; i++)
                    w[i] *= factor;
                bias[o] = (bias[o] - m[o]) * factor + b[o];
            }
            var (weightName, biasName) = (conv.Inputs[1] + "_folded", conv.Outputs[0] + "_folded_bias");
            model.Initializers.Add(OnnxTensor.FromFloats(weightName, weights.Shape, w));
            model.Initializers.Add(OnnxTensor.FromFloats(biasName, [g.Length], bias));
            conv.Inputs[1] = weightName;
            if (conv.Inputs.Count > 2)
                conv.Inputs[2] = biasName;
            else
                conv.Inputs.Add(biasName);
            conv.Outputs[0] = norm.Outputs[0];
            model.Nodes.Remove(norm);
        }
        var used = model.Nodes.SelectMany(n => n.Inputs).ToHashSet();
        model.Initializers.RemoveAll(t => !used.Contains(t.TensorName));
        var initializers = model.Initializers.Select(t => t.TensorName).ToHashSet();
        // Old IR versions list every initializer as a graph input: drop those whose initializer went.
        model.Inputs.RemoveAll(i => !used.Contains(i.ValueName) && !initializers.Contains(i.ValueName));
        return model;
    }
}
