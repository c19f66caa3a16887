using Google.Protobuf;
using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Embedding.Tests;

public sealed class OnnxBatchDimensionTests
{
    private static readonly ModelDescriptor ResNet18 = ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath());

    [Fact]
    public void RewrittenModelHasASymbolicBatchDimension()
    {
        var original = File.ReadAllBytes(ResNet18.OnnxPath);

        var (rewritten, count) = OnnxBatchDimension.MakeSymbolic(original, "N");

        using (var before = new InferenceSession(original))
            Assert.Equal([1, 3, 224, 224], before.InputMetadata[ResNet18.Input].Dimensions);
        using var after = new InferenceSession(rewritten);
        Assert.Equal([-1, 3, 224, 224], after.InputMetadata[ResNet18.Input].Dimensions);
        Assert.Equal("N", after.InputMetadata[ResNet18.Input].SymbolicDimensions[0]);
        Assert.Equal([-1, 512, 1, 1], after.OutputMetadata[ResNet18.Output].Dimensions);
        Assert.True(count >= 2, $"{count} shapes rewritten"); // the input, the output and the value_info entries
    }

    [Fact]
    public void WeightsAndEverythingElsePassThroughUntouched()
    {
        var original = File.ReadAllBytes(ResNet18.OnnxPath);

        var (rewritten, _) = OnnxBatchDimension.MakeSymbolic(original);

        Assert.Equal(Initializers(original), Initializers(rewritten));
        Assert.Equal(Nodes(original), Nodes(rewritten));
        // Each of the rewritten shapes grows by a few bytes ("N" instead of the number 1); nothing else changes size.
        Assert.InRange(rewritten.Length - original.Length, 1, 4096);
    }

    [Fact]
    public void RewritingTwiceChangesNothingMore()
    {
        var (once, _) = OnnxBatchDimension.MakeSymbolic(File.ReadAllBytes(ResNet18.OnnxPath));

        var (twice, count) = OnnxBatchDimension.MakeSymbolic(once);

        Assert.Equal(0, count);
        Assert.Equal(once, twice);
    }

    // Graph field 5 holds the initializers (weights), field 1 the nodes: compared byte for byte.
    private static List<ByteString> Initializers(byte[] model) => GraphField(model, 5);

    private static List<ByteString> Nodes(byte[] model) => GraphField(model, 1);

    private static List<ByteString> GraphField(byte[] model, int field) =>
        ProtoMessage.Fields(ProtoMessage.Fields(ByteString.CopyFrom(model), 7).Single(), field).ToList();
}
