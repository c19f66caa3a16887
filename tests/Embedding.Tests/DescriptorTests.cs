using ImageSearch.Embedding.Descriptors;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Inference;
using ImageSearch.Embedding.Model;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>Descriptor kinds on the real ResNet18: the exposed feature map, other input sizes, the model id, flip.</summary>
public sealed class DescriptorTests(EmbedderFixture fixture)
{
    private static readonly ModelDescriptor ResNet18 = ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath());

    [Fact]
    public void TheFeatureMapAveragedInCSharpIsTheModelsOwnPooledOutput()
    {
        using var image = Cv2.ImDecode(File.ReadAllBytes(SharedData.ImageNet100Files[0]), ImreadModes.Color);
        using var preprocessor = new ImagePreprocessor(ResNet18);
        var input = new float[preprocessor.TensorLength];
        preprocessor.Write(image, input);
        using var pooledModel = new OnnxFeatureExtractor(ResNet18, new EmbeddingOptions(), NullLogger.Instance);
        using var mapModel = new OnnxFeatureExtractor(ResNet18, new EmbeddingOptions(), NullLogger.Instance, featureMap: true);
        var pooled = new float[512];
        var map = new float[512 * 7 * 7];
        var averaged = new float[512];

        pooledModel.Run(input, pooled, 1);
        mapModel.RunFeatureMap(input, map, 1, 224, 224);
        FeatureMapPooling.Average(map, 512, averaged);

        Assert.Equal(512, mapModel.FeatureLength);
        Assert.Equal(pooled, averaged, new FloatTolerance(1e-4f));
    }

    [Theory]
    [InlineData(224, 7)]
    [InlineData(160, 5)]
    [InlineData(320, 10)]
    public void TheFeatureMapModelRunsAtOtherInputSizes(int side, int cells)
    {
        using var mapModel = new OnnxFeatureExtractor(ResNet18, new EmbeddingOptions(), NullLogger.Instance, featureMap: true);

        Assert.Equal((cells, cells), mapModel.FeatureMapCells(side, side));
    }

    [Fact]
    public void EveryKindJoinsTheModelId()
    {
        using var gem = Embedder(new DescriptorOptions { Kind = DescriptorKind.Gem, GemP = 3, Flip = true });
        using var rmac = Embedder(new DescriptorOptions { Kind = DescriptorKind.Rmac, Scales = [1, 0.707, 1.414] });

        Assert.Equal("resnet18", fixture.Embedder.Model.Id);
        Assert.Equal("resnet18+gem3+flip", gem.Model.Id);
        Assert.Equal("resnet18+rmac+ms224-160-320", rmac.Model.Id);
        Assert.Equal(512, rmac.Model.Dimension);
    }

    [Fact]
    public async Task WithFlipAPhotoAndItsMirrorGetTheSameVector()
    {
        using var flipping = Embedder(new DescriptorOptions { Kind = DescriptorKind.Gem, Flip = true });
        using var photo = new Mat(240, 320, MatType.CV_8UC3);
        Cv2.Randu(photo, Scalar.All(0), Scalar.All(255));
        Cv2.GaussianBlur(photo, photo, new Size(15, 15), 0);
        using var mirror = photo.Flip(FlipMode.Y);
        ReadOnlyMemory<byte>[] images = [TestImages.Encode(photo, ".png"), TestImages.Encode(mirror, ".png")];

        var results = await flipping.EmbedEncodedAsync(images, TestContext.Current.CancellationToken);
        var plain = await fixture.Embedder.EmbedEncodedAsync(images, TestContext.Current.CancellationToken);

        Assert.Equal(results[0].Vector!, results[1].Vector!, new FloatTolerance(1e-4f));
        Assert.True(Similarity.Dot(plain[0].Vector!, plain[1].Vector!) < 0.9999f, "without flip the mirror differs (else this test shows nothing)");
    }

    [Fact]
    public async Task MultiScaleRmacEmbedsUnitVectorsCloseToTheDefaults()
    {
        using var rmac = Embedder(new DescriptorOptions { Kind = DescriptorKind.Rmac, Scales = [1, 0.707, 1.414], Flip = true });
        var files = SharedData.ImageNet100Files.Take(3).ToList();

        var results = await rmac.EmbedFilesAsync(files, TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.Equal(1.0, Math.Sqrt(r.Vector!.Sum(v => (double)v * v)), 1e-4));
        // Different photos stay apart: the descriptor is not a constant.
        Assert.True(Similarity.Dot(results[0].Vector!, results[1].Vector!) < 0.95f);
    }

    [Fact]
    public void AKindThatNeedsAFeatureMapFailsAtStartWhenTheModelNamesNone()
    {
        var withoutMap = ResNet18 with { FeatureMap = null };

        var error = Assert.Throws<InvalidDataException>(() => Embedder(new DescriptorOptions { Kind = DescriptorKind.Gem }, withoutMap));

        Assert.Contains("names no feature map", error.Message);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(5.0)]
    public void ScalesOutsideAQuarterToFourAreRejected(double scale)
    {
        var options = new EmbeddingOptions { Descriptor = { Scales = [1, scale] } };

        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(problems, p => p.MemberNames.Contains("Descriptor:Scales"));
    }

    private ImageEmbedder Embedder(DescriptorOptions descriptor, ModelDescriptor? model = null)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions { Descriptor = descriptor, MaxBatchSize = 4 });
        return new ImageEmbedder(options, model ?? ResNet18, fixture.Decoder, NullLogger<ImageEmbedder>.Instance);
    }
}
