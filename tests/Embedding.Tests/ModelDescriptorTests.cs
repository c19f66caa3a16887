using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx;

namespace ImageSearch.Embedding.Tests;

public sealed class ModelDescriptorTests(EmbedderFixture fixture)
{
    [Fact]
    public void ShippedResNet18DescriptorLoadsWithItsFiles()
    {
        var descriptor = ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath());

        Assert.Equal("resnet18", descriptor.Id);
        Assert.Equal((224, 224, ChannelOrder.Bgr), (descriptor.Width, descriptor.Height, descriptor.ChannelOrder));
        Assert.True(File.Exists(descriptor.OnnxPath));
    }

    [Fact]
    public void MeanImageIsReadFromTheOnnxInitializerInBgrOrder()
    {
        var descriptor = ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath());

        var (dims, values) = OnnxInitializer.ReadFloats(Path.Combine(descriptor.Directory, descriptor.MeanImage!.Onnx), descriptor.MeanImage.Initializer);

        Assert.Equal([1, 3, 224, 224], dims);
        var plane = 224 * 224;
        var channelMeans = Enumerable.Range(0, 3).Select(c => values.Skip(c * plane).Take(plane).Average()).ToArray();
        // ImageNet's mean colour is about (B, G, R) = (104, 117, 123): blue first confirms BGR order.
        Assert.InRange(channelMeans[0], 100, 106);
        Assert.InRange(channelMeans[1], 113, 119);
        Assert.InRange(channelMeans[2], 120, 126);
    }

    [Theory]
    [InlineData("""{ "id": "m", "onnx": "missing.onnx", "input": "x", "output": "y", "width": 224, "height": 224, "mean": [0, 0, 0] }""", "onnx file not found")]
    [InlineData("""{ "id": "m", "onnx": "m.onnx", "input": "x", "output": "y", "width": 224, "height": 224 }""", "exactly one of mean")]
    [InlineData("""{ "id": "m", "onnx": "m.onnx", "input": "x", "output": "y", "width": 224, "height": 224, "mean": [0, 0] }""", "mean needs 3 values")]
    [InlineData("""{ "id": "a+b", "onnx": "m.onnx", "input": "x", "output": "y", "width": 224, "height": 224, "mean": [0, 0, 0] }""", "must not contain '+'")]
    [InlineData("""{ "id": "m", "onnx": "m.onnx", "input": "x", "output": "y", "width": 224, "height": 224, "mean": [0, 0, 0], "resize": "Squash" }""", "invalid")]
    [InlineData("""{ "id": "m", "onnx": "m.onnx", "input": "x", "width": 224, "height": 224, "mean": [0, 0, 0] }""", "invalid")]
    [InlineData("""{ "id": "m", "onnx": "m.onnx", "input": "x", "output": "y", "width": 224, "height": 224, "mean": [0, 0, 0], "typo": 1 }""", "invalid")]
    public void InvalidDescriptorsAreRejectedWithTheProblem(string json, string problem)
    {
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "descriptor-" + Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllBytes(Path.Combine(folder, "m.onnx"), [0]);
        var path = Path.Combine(folder, "model.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<InvalidDataException>(() => ModelDescriptor.Load(path));

        Assert.Contains(problem, error.Message);
    }
}
