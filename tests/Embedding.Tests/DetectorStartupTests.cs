using ImageSearch.Embedding.Detection;
using ImageSearch.Embedding.Onnx.Graph;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>The detector inside the real embedder: checked at start, recorded in the model id, and cropping what gets embedded.</summary>
public sealed class DetectorStartupTests(EmbedderFixture fixture)
{
    private static readonly FakeBox Box = new(200, 300, 200, 200, 1f, 0.9f);

    public static TheoryData<string, long[], string> ShapesThatFitNoLayout => new()
    {
        { "four values a box", [1, 4, 4], "[1,4,4]" },
        { "four values a box, transposed", [1, 16, 4], "[1,16,4]" },
        { "no batch axis", [8, 6], "[8,6]" },
        { "a batch of two", [2, 8, 6], "[2,8,6]" },
    };

    [Theory]
    [MemberData(nameof(ShapesThatFitNoLayout))]
    public void ADetectorWhoseOutputFitsNeitherLayoutStopsTheEmbedderSayingWhy(string why, long[] shape, string expected)
    {
        var model = TinyDetector.Build(OnnxTensor.FromFloats("boxes", shape, new float[shape.Aggregate(1L, (a, b) => a * b)]));

        var error = Assert.Throws<InvalidDataException>(() => Embedder(model).Dispose());

        TestContext.Current.TestOutputHelper?.WriteLine($"{why}: {error.Message}");
        Assert.Contains(expected, error.Message);
        Assert.Contains(TinyDetector.OutputName, error.Message);
    }

    [Fact]
    public void ASetLayoutTheOutputCannotHoldIsRefused()
    {
        // A YOLOv8 output of four boxes, [1, 5, 4], read as YOLOv5 would have 4 values per box: too few for one class.
        var model = TinyDetector.Build(DetectorLayout.YoloV8, [Box], minimumBoxes: 4);

        var error = Assert.Throws<InvalidDataException>(() => Embedder(model, o => o.Layout = DetectorLayout.YoloV5).Dispose());

        Assert.Contains("YOLOv5", error.Message);
    }

    /// <summary>Exports with a dynamic box count declare one axis unknown; with both unknown nothing tells the layout.</summary>
    [Theory]
    [InlineData(-1, 85, DetectorLayout.YoloV5)]
    [InlineData(84, -1, DetectorLayout.YoloV8)]
    [InlineData(25200, 85, DetectorLayout.YoloV5)]
    [InlineData(84, 8400, DetectorLayout.YoloV8)]
    public void AutoTellsTheLayoutFromTheFixedOrSmallerAxis(long second, long third, DetectorLayout expected)
    {
        Assert.Equal(expected, YoloOutput.Resolve(DetectorLayout.Auto, [1, second, third]));
        var error = Assert.Throws<InvalidDataException>(() => YoloOutput.Resolve(DetectorLayout.Auto, [-1, -1, -1]));
        Assert.Contains("Embedding:ObjectCrop:Layout", error.Message);
    }

    [Fact]
    public void AClassTheDetectorDoesNotScoreIsRefused()
    {
        var model = TinyDetector.Build(DetectorLayout.YoloV8, [Box]);

        var error = Assert.Throws<InvalidDataException>(() => Embedder(model, o => o.Classes = [3]).Dispose());

        Assert.Contains("class 3", error.Message);
    }

    [Fact]
    public void AnInputSizeTheDetectorDoesNotTakeIsRefused()
    {
        var model = TinyDetector.Build(DetectorLayout.YoloV8, [Box]);

        var error = Assert.Throws<InvalidDataException>(() => Embedder(model, o => o.InputSize = 320).Dispose());

        Assert.Contains("640×640", error.Message);
    }

    [Fact]
    public void TheDetectorAndItsSettingsJoinTheModelId()
    {
        var model = TinyDetector.Build(DetectorLayout.YoloV8, [Box]);
        using var plain = Embedder(model);
        using var stricter = Embedder(model, o => o.Confidence = 0.5);
        using var again = Embedder(model);
        using var heuristic = new ImageEmbedder(Options(o => o.Enabled = true), fixture.Decoder, NullLogger<ImageEmbedder>.Instance);

        Assert.Matches(@"^resnet18\+det:tiny-detector\.[0-9a-f]{8}$", plain.Model.Id);
        Assert.Equal(plain.Model.Id, again.Model.Id);
        Assert.NotEqual(plain.Model.Id, stricter.Model.Id);
        Assert.Equal("resnet18+crop", heuristic.Model.Id);
    }

    /// <summary>
    /// A real photo, 1280×640, embedded with the detector crop gives the vector of the same photo cut to the hand-worked
    /// crop (see <see cref="DetectorCropTests"/>) and embedded whole; and nothing found embeds the photo whole.
    /// </summary>
    [Fact]
    public async Task TheEmbedderEmbedsTheDetectorsCrop()
    {
        var ct = TestContext.Current.CancellationToken;
        using var photo = new Mat();
        using (var original = Cv2.ImRead(SharedData.ImageNet100Files[3], ImreadModes.Color))
            Cv2.Resize(original, photo, new Size(1280, 640));
        using var cut = new Mat(photo, new Rect(180, 60, 440, 440));
        using var cropping = Embedder(TinyDetector.Build(DetectorLayout.YoloV5, [Box]));
        using var findingNothing = Embedder(TinyDetector.Build(DetectorLayout.YoloV5, [Box with { Objectness = 0.1f }]));

        var cropped = await cropping.EmbedEncodedAsync([TestImages.Encode(photo, ".png")], ct);
        var whole = await findingNothing.EmbedEncodedAsync([TestImages.Encode(photo, ".png")], ct);
        var expected = await fixture.Embedder.EmbedEncodedAsync([TestImages.Encode(cut, ".png"), TestImages.Encode(photo, ".png")], ct);

        Assert.Equal(expected[0].Vector!, cropped[0].Vector!, new FloatTolerance(1e-5f));
        Assert.Equal(expected[1].Vector!, whole[0].Vector!, new FloatTolerance(1e-5f));
        Assert.True(Similarity.Dot(expected[0].Vector!, expected[1].Vector!) < 0.99f, "the crop changed nothing: the test would prove nothing");
    }

    private ImageEmbedder Embedder(byte[] detector, Action<ObjectCropOptions>? configure = null)
    {
        var folder = Path.Combine(fixture.Scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new ImageEmbedder(Options(o =>
        {
            o.Detector = TinyDetector.Save(detector, folder);
            configure?.Invoke(o);
        }), fixture.Decoder, NullLogger<ImageEmbedder>.Instance);
    }

    private static IOptions<EmbeddingOptions> Options(Action<ObjectCropOptions> configure)
    {
        var options = new EmbeddingOptions();
        configure(options.ObjectCrop);
        return Microsoft.Extensions.Options.Options.Create(options);
    }
}
