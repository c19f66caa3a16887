using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx.Graph;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ImageSearch.Embedding.Tests;

public sealed class OnnxModelTests
{
    private static readonly ModelDescriptor ResNet18 = ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath());

    [Fact]
    public void ResNet18SurvivesARoundTripAndGivesTheSameFeatures()
    {
        var original = File.ReadAllBytes(ResNet18.OnnxPath);
        var model = OnnxModel.Parse(original);

        var rewritten = model.ToBytes();

        Assert.Equal(8, model.Opsets[""]);
        Assert.Contains(model.Nodes, n => n.Op == "Conv" && n.Attribute("kernel_shape")?.AsInts() is [7, 7]);
        Assert.Equal(new OnnxDim[] { 1, 3, 224, 224 }, model.Inputs.Single(i => i.ValueName == ResNet18.Input).Dims);
        var input = new float[3 * 224 * 224];
        for (var i = 0; i < input.Length; i++)
            input[i] = (i * 37 % 255) - 120;
        Assert.Equal(Features(original, input), Features(rewritten, input));
    }

    [Fact]
    public void AGraphBuiltFromNothingRunsAsBuilt()
    {
        var model = new OnnxModel();
        model.Inputs.Add(new OnnxValueInfo("x", OnnxDataType.Float, ["N", 3]));
        model.Outputs.Add(new OnnxValueInfo("y", OnnxDataType.Float, ["N", 3]));
        model.Initializers.Add(OnnxTensor.FromFloats("bias", [3], [1f, 2f, 3f]));
        model.Nodes.Add(new OnnxNode("Add", ["x", "bias"], ["sum"]));
        model.Nodes.Add(new OnnxNode("LeakyRelu", ["sum"], ["y"], "leaky", OnnxAttribute.Float("alpha", 0.5f)));

        using var session = new InferenceSession(model.ToBytes());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(new[] { -4f, 0f, 1f, 10f, -2f, -3f }, [2, 3]))]);

        Assert.Equal([-1.5f, 2f, 4f, 11f, 0f, 0f], results.Single().AsEnumerable<float>().ToArray());
    }

    [Fact]
    public void TensorsAndAttributesReadBackWhatWasWritten()
    {
        var model = new OnnxModel();
        model.Initializers.Add(OnnxTensor.FromInt64s("shape", [2], [-1, 512]));
        model.Nodes.Add(new OnnxNode("Reshape", ["a", "shape"], ["b"], "r", OnnxAttribute.Ints("perm", 0, 2, 1), OnnxAttribute.Int("axis", -1),
            OnnxAttribute.Tensor("value", OnnxTensor.FromFloats("v", [2], [0.25f, 4f]))));

        var back = OnnxModel.Parse(model.ToBytes());

        Assert.Equal([-1, 512], back.Initializer("shape")!.ToInt64s());
        var node = back.Producer("b")!;
        Assert.Equal(["a", "shape"], node.Inputs);
        Assert.Equal([0, 2, 1], node.Attribute("perm")!.AsInts());
        Assert.Equal(-1, node.Attribute("axis")!.AsInt());
        Assert.Equal([0.25f, 4f], node.Attribute("value")!.AsTensor()!.ToFloats());
        Assert.Null(node.Attribute("missing"));
        Assert.Same(node, back.Consumers("shape").Single());
    }

    private static float[] Features(byte[] model, float[] input)
    {
        using var session = new InferenceSession(model);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(ResNet18.Input, new DenseTensor<float>(input, [1, 3, 224, 224]))]);
        return results.Single(r => r.Name == ResNet18.Output).AsEnumerable<float>().ToArray();
    }
}
