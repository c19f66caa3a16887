using ImageSearch.Embedding.Onnx;
using ImageSearch.Embedding.Onnx.Graph;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ImageSearch.Embedding.Tests;

/// <summary>The feature-map rewrite on a tiny graph: x → Relu → map → 2 × 2 AveragePool → y.</summary>
public sealed class OnnxFeatureMapTests
{
    [Fact]
    public void TheMapBecomesTheOnlyOutputAndRunsAtAnySize()
    {
        var rewritten = OnnxModel.Parse(OnnxFeatureMap.Expose(TinyModel(), "map", "x"));

        Assert.Equal(["Relu"], rewritten.Nodes.Select(n => n.Op));
        Assert.Equal("map", rewritten.Outputs.Single().ValueName);
        Assert.Equal(new OnnxDim[] { "N", 1, OnnxFeatureMap.HeightParam, OnnxFeatureMap.WidthParam }, rewritten.Inputs.Single().Dims);
        Assert.Empty(rewritten.ValueInfo);
        using var session = new InferenceSession(rewritten.ToBytes());
        float[] values = [-1, 2, 3, -4, 5, -6];
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(values, [1, 1, 2, 3]))]);
        Assert.Equal([0f, 2, 3, 0, 5, 0], results.Single().AsEnumerable<float>().ToArray());
    }

    [Fact]
    public void AMissingTensorIsNamedInTheError()
    {
        var error = Assert.Throws<InvalidDataException>(() => OnnxFeatureMap.Expose(TinyModel(), "nothing", "x"));

        Assert.Contains("'nothing'", error.Message);
    }

    private static byte[] TinyModel()
    {
        var model = new OnnxModel();
        model.Inputs.Add(new OnnxValueInfo("x", OnnxDataType.Float, ["N", 1, 2, 2]));
        model.Outputs.Add(new OnnxValueInfo("y", OnnxDataType.Float, ["N", 1, 1, 1]));
        model.ValueInfo.Add(new OnnxValueInfo("map", OnnxDataType.Float, ["N", 1, 2, 2]));
        model.Nodes.Add(new OnnxNode("Relu", ["x"], ["map"]));
        model.Nodes.Add(new OnnxNode("AveragePool", ["map"], ["y"], "pool", OnnxAttribute.Ints("kernel_shape", 2, 2)));
        return model.ToBytes();
    }
}
