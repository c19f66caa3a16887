using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>The object crop inside the real embedder: what it is for (framing that varies), and that it is recorded in the model id.</summary>
public sealed class ObjectCropTests(EmbedderFixture fixture)
{
    [Fact]
    public void TheCropJoinsTheModelId()
    {
        using var cropping = CroppingEmbedder();

        Assert.Equal(fixture.Embedder.Model.Id + "+crop", cropping.Model.Id);
    }

    /// <summary>
    /// Each photo pasted small and off centre on a large plain canvas (a catalogue shot framed loosely) must find its
    /// original among the 100 with the crop on; without it the canvas dominates and most copies get lost.
    /// </summary>
    [Fact]
    public async Task PhotosPastedSmallOnAPlainCanvasFindTheirOriginalsWithTheCrop()
    {
        var files = SharedData.ImageNet100Files;
        var ct = TestContext.Current.CancellationToken;
        var pasted = files.Select((f, i) => (ReadOnlyMemory<byte>)PastedOnCanvas(File.ReadAllBytes(f), i)).ToList();
        using var cropping = CroppingEmbedder();

        var withCrop = Similarity.OriginalsFound(await cropping.EmbedFilesAsync(files, ct), await cropping.EmbedEncodedAsync(pasted, ct));
        var withoutCrop = Similarity.OriginalsFound(await fixture.Embedder.EmbedFilesAsync(files, ct), await fixture.Embedder.EmbedEncodedAsync(pasted, ct));

        TestContext.Current.TestOutputHelper?.WriteLine($"pasted photos that found their original: {withCrop} with the crop, {withoutCrop} without");
        Assert.True(withCrop >= 95, $"with the crop {withCrop} of {files.Count} pasted photos found their original (without: {withoutCrop})");
        Assert.True(withoutCrop < withCrop, $"without the crop {withoutCrop} found their original, with it {withCrop}: the crop did no work");
    }

    private ImageEmbedder CroppingEmbedder()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions { ObjectCrop = { Enabled = true } });
        return new ImageEmbedder(options, fixture.Decoder, NullLogger<ImageEmbedder>.Instance);
    }

    /// <summary>The photo at its own size on a near-white canvas three times as large, at a position that varies with <paramref name="seed"/>.</summary>
    private static byte[] PastedOnCanvas(byte[] encoded, int seed)
    {
        using var photo = Cv2.ImDecode(encoded, ImreadModes.Color);
        using var canvas = new Mat(photo.Height * 3, photo.Width * 3, MatType.CV_8UC3, new Scalar(242, 244, 246));
        var random = new Random(seed);
        var at = new Rect(random.Next(0, 2 * photo.Width), random.Next(0, 2 * photo.Height), photo.Width, photo.Height);
        using (var target = new Mat(canvas, at))
            photo.CopyTo(target);
        return TestImages.Encode(canvas, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
    }
}
