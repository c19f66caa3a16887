using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

public sealed class ImagePreprocessorTests
{
    private static readonly ModelDescriptor ResNet18 = ModelDescriptor.Load(new EmbeddingOptions().ResolveModelPath());

    [Fact]
    public void ResNet18InputIsBgrMinusTheMeanImage()
    {
        using var preprocessor = new ImagePreprocessor(ResNet18);
        using var image = new Mat(300, 400, MatType.CV_8UC3, new Scalar(10, 100, 200)); // B, G, R
        var tensor = new float[preprocessor.TensorLength];

        preprocessor.Write(image, tensor);

        var (_, mean) = OnnxInitializer.ReadFloats(Path.Combine(ResNet18.Directory, "ResNetPreprocess.onnx"), "MeanImage");
        var plane = 224 * 224;
        float[] bgr = [10, 100, 200];
        for (var i = 0; i < tensor.Length; i += 997)
            Assert.Equal(bgr[i / plane] - mean[i], tensor[i], 1e-3f);
    }

    [Fact]
    public void RgbModelWithMeanAndStdGetsScaledNormalisedRgb()
    {
        var model = ResNet18 with { ChannelOrder = ChannelOrder.Rgb, Scale = 1 / 255f, MeanImage = null, Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f] };
        using var preprocessor = new ImagePreprocessor(model);
        using var image = new Mat(224, 224, MatType.CV_8UC3, new Scalar(10, 100, 200));
        var tensor = new float[preprocessor.TensorLength];

        preprocessor.Write(image, tensor);

        var plane = 224 * 224;
        Assert.Equal((200 / 255f - 0.485f) / 0.229f, tensor[5], 1e-4f);
        Assert.Equal((100 / 255f - 0.456f) / 0.224f, tensor[plane + 5], 1e-4f);
        Assert.Equal((10 / 255f - 0.406f) / 0.225f, tensor[2 * plane + 5], 1e-4f);
    }

    [Theory]
    [InlineData(ResizeMode.ShorterSideCenterCrop, false)]
    [InlineData(ResizeMode.Stretch, true)]
    public void CentreCropCutsTheSidesOfAWideImageAndStretchKeepsThem(ResizeMode mode, bool sidesKept)
    {
        // 600×200: black in the middle 200×200, white bars on the left and right.
        using var image = new Mat(200, 600, MatType.CV_8UC3, Scalar.All(255));
        using (var middle = new Mat(image, new Rect(200, 0, 200, 200)))
            middle.SetTo(Scalar.All(0));
        var model = ResNet18 with { Resize = mode, MeanImage = null, Mean = [0, 0, 0] };
        using var preprocessor = new ImagePreprocessor(model);
        var tensor = new float[preprocessor.TensorLength];

        preprocessor.Write(image, tensor);

        Assert.Equal(sidesKept ? 255f : 0f, tensor[112 * 224 + 2], 1f);   // near the left edge
        Assert.Equal(0f, tensor[112 * 224 + 112], 1f);                     // the centre is black either way
    }
}
