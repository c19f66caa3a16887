using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx;
using ImageSearch.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>The model rewrites of the GPU path, checked on the CPU provider against the shipped model.</summary>
public sealed class ModelVariantsTests(EmbedderFixture fixture)
{
    private static readonly ModelDescriptor ResNet18 = ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath());

    [Fact]
    public void ThePixelGraphInFrontGivesTheFeaturesOfTheCpuPreprocessing()
    {
        var photos = SharedData.ImageNet100Files.Take(3).ToList();
        using var preprocessor = new ImagePreprocessor(ResNet18);
        var (multiply, subtract) = preprocessor.Normalisation;
        var (fused, _) = ModelVariants.Load(ResNet18, Precision.Fp32, front: g => PixelInputGraph.Prepend(g, ResNet18, multiply, subtract));
        var (plain, _) = ModelVariants.Load(ResNet18, Precision.Fp32);
        var pixels = new byte[photos.Count * 224 * 224 * 3];
        var tensor = new float[photos.Count * preprocessor.TensorLength];
        for (var i = 0; i < photos.Count; i++)
        {
            using var image = fixture.Decoder.Decode(File.ReadAllBytes(photos[i]));
            using var resized = new Mat();
            preprocessor.Resize(image, resized);
            resized.GetArray(out Vec3b[] bgr);
            for (var p = 0; p < bgr.Length; p++)
                (pixels[i * 150528 + 3 * p], pixels[i * 150528 + 3 * p + 1], pixels[i * 150528 + 3 * p + 2]) = (bgr[p].Item0, bgr[p].Item1, bgr[p].Item2);
            preprocessor.Write(image, tensor.AsSpan(i * preprocessor.TensorLength, preprocessor.TensorLength));
        }

        var fromPixels = Run(fused, PixelInputGraph.Input, new DenseTensor<byte>(pixels, [photos.Count, 224, 224, 3]));
        var fromTensor = Run(plain, ResNet18.Input, new DenseTensor<float>(tensor, [photos.Count, 3, 224, 224]));

        Assert.Equal(fromTensor.Length, fromPixels.Length);
        Assert.All(fromTensor.Zip(fromPixels), pair => Assert.Equal(pair.First, pair.Second, 1e-3f));
    }

    [Fact]
    public async Task Fp16GivesNearlyTheSameVectorsUnderItsOwnModelId()
    {
        var photos = SharedData.ImageNet100Files.Take(8).ToList();
        var options = Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions { Precision = Precision.Fp16 });
        using var half = new ImageEmbedder(options, new ImageDecoder(options), NullLogger<ImageEmbedder>.Instance);

        var fp16 = await half.EmbedFilesAsync(photos, TestContext.Current.CancellationToken);
        var fp32 = await fixture.Embedder.EmbedFilesAsync(photos, TestContext.Current.CancellationToken);

        Assert.Equal("resnet18-fp16", half.Model.Id);
        Assert.NotEqual(fixture.Embedder.Model.Id, half.Model.Id);
        Assert.All(fp16.Zip(fp32), pair => Assert.True(Similarity.Dot(pair.First.Vector!, pair.Second.Vector!) > 0.999f, $"cosine {Similarity.Dot(pair.First.Vector!, pair.Second.Vector!)}"));
    }

    [Fact]
    public async Task Fp16ComposesWithAFeatureMapDescriptor()
    {
        var photos = SharedData.ImageNet100Files.Take(4).ToList();
        EmbeddingOptions Gem(Precision precision) => new() { Precision = precision, Descriptor = { Kind = Descriptors.DescriptorKind.Gem, Flip = true } };
        var (halfOptions, fullOptions) = (Microsoft.Extensions.Options.Options.Create(Gem(Precision.Fp16)), Microsoft.Extensions.Options.Options.Create(Gem(Precision.Fp32)));
        using var half = new ImageEmbedder(halfOptions, new ImageDecoder(halfOptions), NullLogger<ImageEmbedder>.Instance);
        using var full = new ImageEmbedder(fullOptions, new ImageDecoder(fullOptions), NullLogger<ImageEmbedder>.Instance);

        var fp16 = await half.EmbedFilesAsync(photos, TestContext.Current.CancellationToken);
        var fp32 = await full.EmbedFilesAsync(photos, TestContext.Current.CancellationToken);

        Assert.Equal(("resnet18-fp16+gem3+flip", "resnet18+gem3+flip"), (half.Model.Id, full.Model.Id));
        Assert.All(fp16.Zip(fp32), pair => Assert.True(Similarity.Dot(pair.First.Vector!, pair.Second.Vector!) > 0.999f, $"cosine {Similarity.Dot(pair.First.Vector!, pair.Second.Vector!)}"));
    }

    private static float[] Run<T>(byte[] model, string input, DenseTensor<T> value)
    {
        using var session = new InferenceSession(model);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, value)]);
        return results.Single().AsEnumerable<float>().ToArray();
    }
}
