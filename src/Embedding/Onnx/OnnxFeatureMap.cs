using ImageSearch.Embedding.Onnx.Graph;

namespace ImageSearch.Embedding.Onnx;

/// <summary>
/// Turns an image model into one that outputs a convolutional feature map at any input size: the named tensor becomes the
/// only graph output, nodes that no longer lead to it are dropped (a fixed-size pool after it would reject other sizes),
/// and the input's and output's height and width become symbolic. Sound for fully convolutional trunks such as ResNet's.
/// </summary>
public static class OnnxFeatureMap
{
    public const string HeightParam = "H", WidthParam = "W";

    /// <param name="model">The model, batch dimension already symbolic or not.</param>
    /// <param name="featureMap">The tensor to expose, e.g. the last ReLU before global pooling.</param>
    /// <param name="input">The image input, whose last two dimensions become symbolic.</param>
    public static byte[] Expose(byte[] model, string featureMap, string input)
    {
        var graph = OnnxModel.Parse(model);
        var producer = graph.Producer(featureMap)
            ?? throw new InvalidDataException($"the model has no tensor '{featureMap}' to read the feature map from");
        var image = graph.Inputs.FirstOrDefault(i => i.ValueName == input)
            ?? throw new InvalidDataException($"the model has no input '{input}'");
        if (image.Dims.Count != 4)
            throw new InvalidDataException($"input '{input}' has {image.Dims.Count} dimensions, expected 4 (NCHW)");

        var channels = ChannelsOf(graph, featureMap, producer);
        image.Dims[2] = HeightParam;
        image.Dims[3] = WidthParam;
        graph.Outputs.Clear();
        graph.Outputs.Add(new OnnxValueInfo(featureMap, OnnxDataType.Float, [image.Dims[0], channels, "h", "w"]));
        KeepOnlyWhatLeadsTo(graph, featureMap);
        // Recorded intermediate shapes hold the old fixed sizes; ONNX Runtime infers them again.
        graph.ValueInfo.Clear();
        return graph.ToBytes();
    }

    /// <summary>The feature map's channel count, from its recorded shape or from the weights of the convolution before it.</summary>
    private static OnnxDim ChannelsOf(OnnxModel graph, string featureMap, OnnxNode producer)
    {
        if (graph.ValueInfo.Concat(graph.Outputs).FirstOrDefault(v => v.ValueName == featureMap) is { Dims: [_, { Value: > 0 } c, ..] })
            return c;
        for (var node = producer; node is not null; node = node.Inputs.Count > 0 ? graph.Producer(node.Inputs[0]) : null)
            if (node.Op == "Conv" && graph.Initializer(node.Inputs[1]) is { } weights)
                return weights.Shape[0];
        return "C";
    }

    private static void KeepOnlyWhatLeadsTo(OnnxModel graph, string output)
    {
        var needed = new HashSet<string> { output };
        var kept = new List<OnnxNode>();
        for (var i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var node = graph.Nodes[i];
            if (!node.Outputs.Any(needed.Contains))
                continue;
            kept.Add(node);
            needed.UnionWith(node.Inputs.Where(n => n.Length > 0));
        }
        kept.Reverse();
        graph.Nodes.Clear();
        graph.Nodes.AddRange(kept);
        graph.Initializers.RemoveAll(t => !needed.Contains(t.TensorName));
        graph.Inputs.RemoveAll(v => !needed.Contains(v.ValueName));
    }
}
