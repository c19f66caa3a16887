using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx.Graph;
using ImageSearch.Embedding.Quantization;
using ImageSearch.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Embedding.Tests;

/// <summary>
/// The int8 model built from the shipped ResNet18, calibrated on the 100 imagenet-100 photos as <c>ingestor quantize</c>
/// does by default, checked against the float model on other real photos.
/// </summary>
public sealed class ModelQuantizerTests(EmbedderFixture fixture, ModelQuantizerTests.QuantizedModel quantized) : IClassFixture<ModelQuantizerTests.QuantizedModel>
{
    /// <summary>
    /// Measured over all 1,000 imagenet-1k-samples: mean cosine 0.9985 between the float and int8 vectors of a photo,
    /// lowest 0.988, while class-protocol mAP@10 moved by less than one point. The bounds leave room for the calibration
    /// and ONNX Runtime versions to move a little; a broken encoding (a wrong scale or zero point) falls far below them.
    /// </summary>
    private const float MeanCosineBound = 0.995f, LowestCosineBound = 0.98f;

    [Fact]
    public void OnnxRuntimeRunsEveryConvAndAddOnInt8Kernels()
    {
        using var folder = new TempFolder();
        var optimized = Path.Combine(folder.Path, "optimized.onnx");
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimized };
        using (new InferenceSession(quantized.Descriptor.OnnxPath, options)) { }

        var ops = OnnxModel.Load(optimized).Nodes.GroupBy(n => n.Op).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(22, ops.GetValueOrDefault("QLinearConv"));
        Assert.Equal(9, ops.GetValueOrDefault("QLinearAdd"));
        Assert.False(ops.ContainsKey("Conv"), "a Conv still runs in float");
    }

    [Fact]
    public async Task VectorsStayCloseToTheFloatModelOnOtherPhotos()
    {
        var photos = Directory.EnumerateFiles(SharedData.ImageNet1k, "*.JPEG").Order(StringComparer.Ordinal).Take(100).ToList();
        using var int8 = new ImageEmbedder(fixture.Options, quantized.Descriptor, fixture.Decoder, NullLogger<ImageEmbedder>.Instance);

        var reference = await fixture.Embedder.EmbedFilesAsync(photos, TestContext.Current.CancellationToken);
        var int8Vectors = await int8.EmbedFilesAsync(photos, TestContext.Current.CancellationToken);

        var cosines = reference.Zip(int8Vectors, (f, q) => Similarity.Dot(f.Vector!, q.Vector!)).ToList();
        Assert.Equal("resnet18-int8", int8.Model.Id);
        Assert.True(cosines.Average() > MeanCosineBound, $"mean cosine {cosines.Average():F4}");
        Assert.True(cosines.Min() > LowestCosineBound, $"lowest cosine {cosines.Min():F4}");
    }

    [Fact]
    public void ActivationNamesOfTheFloatModelStayReadable()
    {
        var graph = OnnxModel.Load(quantized.Descriptor.OnnxPath);
        var lastBlock = OnnxModel.Load(ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath()).OnnxPath).Producer(quantized.Descriptor.Output)!.Inputs[0];

        Assert.Equal("Relu", graph.Producer(lastBlock)?.Op);
        Assert.Equal(13, graph.Opsets[""]);
        Assert.DoesNotContain(graph.Nodes, n => n.Op == "BatchNormalization");
    }

    [Fact]
    public void TheSameCalibrationImagesGiveTheSameBytes()
    {
        var files = CalibrationImages.Select(SharedData.ImageNet100, 6);
        var model = ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath());

        Assert.Equal(ModelQuantizer.Quantize(model, files, CalibrationMethod.MinMax), ModelQuantizer.Quantize(model, files, CalibrationMethod.MinMax));
    }

    [Fact]
    public void AMissingOrEmptyCalibrationFolderIsRefusedWithItsName()
    {
        using var folder = new TempFolder();
        folder.File("notes.txt", "not an image");

        var empty = Assert.Throws<InvalidDataException>(() => CalibrationImages.Select(folder.Path, 100));
        var missing = Assert.Throws<InvalidDataException>(() => CalibrationImages.Select(Path.Combine(folder.Path, "nowhere"), 100));

        Assert.Contains($"{folder.Path} holds no image files", empty.Message);
        Assert.Contains("calibration folder not found", missing.Message);
    }

    [Fact]
    public void AnUnreadableCalibrationImageStopsQuantizationWithItsName()
    {
        using var folder = new TempFolder();
        File.Copy(SharedData.ImageNet100Files[0], Path.Combine(folder.Path, "a.jpg"));
        var broken = folder.File("b.jpg", "this is not a JPEG");
        var model = ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath());

        var error = Assert.Throws<InvalidDataException>(() => ModelQuantizer.Quantize(model, CalibrationImages.Select(folder.Path, 100), CalibrationMethod.MinMax));

        Assert.Contains($"calibration image {broken} could not be used", error.Message);
    }

    /// <summary>
    /// Quantizes once for the class (about 20 s on two cores), on first use, so a machine without the shared photos
    /// skips the tests that need them instead of failing the fixture.
    /// </summary>
    public sealed class QuantizedModel : IDisposable
    {
        private readonly TempFolder _folder = new();
        private readonly Lazy<ModelDescriptor> _descriptor;

        public QuantizedModel() => _descriptor = new(() =>
        {
            var source = ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath());
            var bytes = ModelQuantizer.Quantize(source, CalibrationImages.Select(SharedData.ImageNet100, 100), CalibrationMethod.MinMax);
            return ModelDescriptor.Load(ModelQuantizer.Write(source, bytes, "resnet18-int8", _folder.Path));
        });

        public ModelDescriptor Descriptor => _descriptor.Value;

        public void Dispose() => _folder.Dispose();
    }
}
