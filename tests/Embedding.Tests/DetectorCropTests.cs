using ImageSearch.Embedding.Detection;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>
/// The detector crop around a model: a tiny graph (<see cref="TinyDetector"/>) emits known boxes in its 640×640 input, and
/// the crop chosen on a real photo, decoded, must be the one worked out by hand here from the letterbox (scale to fit,
/// centre, pad), the confidence, suppression of overlaps and the margin.
/// </summary>
public sealed class DetectorCropTests(EmbedderFixture fixture)
{
    // A 1280×640 photo fits the 640×640 input at scale 0.5 as 640×320, 160 pixels down: input (x, y) is image (2x, 2(y − 160)).
    // Box A, input x 100–300, y 200–400, is image x 200–600, y 80–480; with the 5 % margin (20 px) 180–620 × 60–500.
    private static readonly Rect BoxAWithMargin = new(180, 60, 440, 440);

    private static readonly FakeBox BoxA = new(200, 300, 200, 200, 1f, 0.1f, 0.9f);
    // Larger than A but scored lower and overlapping it (IoU 0.76 > 0.45): suppressed, so the crop is not its box.
    private static readonly FakeBox OverlapsA = new(210, 310, 240, 220, 1f, 0.6f, 0.2f);
    // The largest of all, but under the confidence.
    private static readonly FakeBox Faint = new(450, 320, 300, 300, 1f, 0.2f, 0.1f);
    // Kept (best score), but smaller than A.
    private static readonly FakeBox SmallSharp = new(520, 250, 100, 100, 1f, 0.95f, 0.05f);

    [Theory]
    [InlineData(DetectorLayout.YoloV5)]
    [InlineData(DetectorLayout.YoloV8)]
    public void TheLargestConfidentBoxLeftAfterSuppressionIsCroppedWithItsMargin(DetectorLayout layout)
    {
        using var detector = Detector(TinyDetector.Build(layout, [Faint, OverlapsA, SmallSharp, BoxA]));
        using var photo = Photo(1280, 640);

        var kept = detector.Detect(photo);

        Assert.Equal(BoxAWithMargin, detector.Find(photo));
        Assert.Equal(2, kept.Count); // A and the small sharp box; the overlapping and the faint one are gone
        Assert.Equal(new DetectedBox(200, 80, 600, 480, 0.9f, 1), kept.Single(b => b.Class == 1));
    }

    [Fact]
    public void AYoloV5BoxScoresItsObjectnessTimesItsBestClass()
    {
        // Class score 0.9 but objectness 0.2: 0.18 is under the confidence of 0.25, so the larger box does not count.
        var doubtful = new FakeBox(320, 320, 400, 300, 0.2f, 0.9f, 0f);
        using var detector = Detector(TinyDetector.Build(DetectorLayout.YoloV5, [doubtful, BoxA]));
        using var photo = Photo(1280, 640);

        Assert.Equal(BoxAWithMargin, detector.Find(photo));
    }

    [Theory]
    [InlineData(DetectorLayout.YoloV5)]
    [InlineData(DetectorLayout.YoloV8)]
    public void NothingConfidentLeavesTheWholeImage(DetectorLayout layout)
    {
        using var detector = Detector(TinyDetector.Build(layout, [Faint, Faint with { CentreX = 100 }]));
        using var photo = Photo(1280, 640);

        Assert.Empty(detector.Detect(photo));
        Assert.Equal(new Rect(0, 0, 1280, 640), detector.Find(photo));
    }

    [Fact]
    public void TheClassFilterIgnoresOtherClasses()
    {
        // Only class 0: A's best allowed score is 0.1 (under the confidence), so the crop goes to the small box.
        using var detector = Detector(TinyDetector.Build(DetectorLayout.YoloV8, [BoxA, SmallSharp]), o => o.Classes = [0]);
        using var photo = Photo(1280, 640);

        // Small box: input x 470–570, y 200–300 → image x 940–1140, y 80–280; margin 10 px.
        Assert.Equal(Rect.FromLTRB(930, 70, 1150, 290), detector.Find(photo));
    }

    [Fact]
    public void APortraitPhotoIsLetterboxedSideways()
    {
        // 480×960 fits at scale 2/3 as 320×640, 160 pixels from the left: input x 200–400, y 100–300 is image x 60–360,
        // y 150–450; the 5 % margin adds 15 px.
        using var detector = Detector(TinyDetector.Build(DetectorLayout.YoloV5, [new FakeBox(300, 200, 200, 200, 1f, 0.9f)]));
        using var photo = Photo(480, 960);

        Assert.Equal(Rect.FromLTRB(45, 135, 375, 465), detector.Find(photo));
    }

    [Fact]
    public void TheMarginStopsAtTheImageBorder()
    {
        // Input x 0–100, y 100–260 reaches into the top padding: in the image x 0–200, y 0–200 after clipping;
        // a 10 % margin (20 px) is cut off at the left and top.
        using var detector = Detector(TinyDetector.Build(DetectorLayout.YoloV8, [new FakeBox(50, 180, 100, 160, 1f, 0.9f)]), o => o.Margin = 0.1);
        using var photo = Photo(1280, 640);

        Assert.Equal(Rect.FromLTRB(0, 0, 220, 220), detector.Find(photo));
    }

    [Fact]
    public void ABoxUnderTheMinimumAreaLeavesTheWholeImage()
    {
        using var detector = Detector(TinyDetector.Build(DetectorLayout.YoloV8, [new FakeBox(320, 320, 20, 20, 1f, 0.9f)]));
        using var photo = Photo(1280, 640);

        Assert.Equal(new Rect(0, 0, 1280, 640), detector.Find(photo));
    }

    /// <summary>With fewer boxes than values per box the axes look swapped to <see cref="DetectorLayout.Auto"/>; the layout may be set.</summary>
    [Fact]
    public void AYoloV5OutputWithFewBoxesWorksWithItsLayoutSet()
    {
        var model = TinyDetector.Build(DetectorLayout.YoloV5, [OverlapsA, BoxA], minimumBoxes: 0); // [1, 2, 7]
        using var detector = Detector(model, o => o.Layout = DetectorLayout.YoloV5);
        using var photo = Photo(1280, 640);

        Assert.Equal(BoxAWithMargin, detector.Find(photo));
    }

    private OnnxObjectDetector Detector(byte[] model, Action<ObjectCropOptions>? configure = null)
    {
        var options = new EmbeddingOptions { ObjectCrop = { Detector = TinyDetector.Save(model, fixture.Scratch, $"detector-{Guid.NewGuid():N}.onnx") } };
        configure?.Invoke(options.ObjectCrop);
        return new OnnxObjectDetector(options, NullLogger.Instance);
    }

    /// <summary>The first shared photo stretched to <paramref name="width"/> × <paramref name="height"/>, through PNG and the real decoder.</summary>
    private Mat Photo(int width, int height)
    {
        using var original = Cv2.ImRead(SharedData.ImageNet100Files[0], ImreadModes.Color);
        using var sized = new Mat();
        Cv2.Resize(original, sized, new Size(width, height));
        return fixture.Decoder.Decode(TestImages.Encode(sized, ".png"));
    }
}
