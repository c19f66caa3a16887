using OpenCvSharp;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// Finds the largest object on a plain background without a detector model: the border's median colour is the
/// background, pixels far from it (in Lab, so distance follows perceived colour) are foreground, and the biggest
/// connected blob, with a margin, is the object. Photos whose border is not plain are scenes and stay whole (but a
/// scene with a plain sky or studio backdrop does get cropped: hence off by default). Works on a small copy: the box,
/// not detail, is what counts.
/// Thread-safe (no state besides the options).
/// </summary>
public sealed class LargestObjectFinder(ObjectCropOptions options) : IObjectRegionFinder
{
    private const int WorkingSide = 256;
    private const int BorderWidth = 4;
    // A pixel this far from the background colour (8-bit Lab: L scaled to 0–255, a and b offset by 128) is foreground, whatever
    // Otsu's threshold says: it keeps JPEG noise on an empty backdrop from becoming an "object".
    private const double MinForegroundDistance = 20;

    public string IdSuffix => "+crop";

    /// <summary>The region of <paramref name="bgr"/> to embed: the object's box with its margin, or the whole image.</summary>
    public Rect Find(Mat bgr)
    {
        var whole = new Rect(0, 0, bgr.Width, bgr.Height);
        var scale = Downscale.FactorToFit(bgr.Size(), WorkingSide);
        using var small = Downscale.ToFit(bgr, WorkingSide);
        if (small.Width <= 4 * BorderWidth || small.Height <= 4 * BorderWidth)
            return whole;
        using var lab = new Mat();
        Cv2.CvtColor(small, lab, ColorConversionCodes.BGR2Lab);
        lab.GetArray(out Vec3b[] pixels);

        var border = BorderPixels(pixels, lab.Width, lab.Height);
        var background = Median(border);
        if (Spread(border, background) > options.MaxBackgroundSpread)
            return whole;

        using var distance = new Mat(lab.Height, lab.Width, MatType.CV_8UC1);
        var distances = new byte[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
            distances[i] = (byte)Math.Min(255, Distance(pixels[i], background));
        distance.SetArray(distances);
        using var mask = new Mat();
        var otsu = Cv2.Threshold(distance, mask, 0, 255, ThresholdTypes.Binary | ThresholdTypes.Otsu);
        if (otsu < MinForegroundDistance)
            Cv2.Threshold(distance, mask, MinForegroundDistance, 255, ThresholdTypes.Binary);
        // Close gaps inside the object (highlights, parts with the backdrop's colour), then drop isolated specks.
        using var kernel = Cv2.GetStructuringElement(MorphShapes.Ellipse, new Size(5, 5));
        Cv2.MorphologyEx(mask, mask, MorphTypes.Close, kernel, iterations: 2);
        Cv2.MorphologyEx(mask, mask, MorphTypes.Open, kernel);

        Cv2.FindContours(mask, out var contours, out _, RetrievalModes.External, ContourApproximationModes.ApproxSimple);
        if (contours.Length == 0)
            return whole;
        var largest = contours.MaxBy(c => Cv2.ContourArea(c))!;
        if (Cv2.ContourArea(largest) < options.MinObjectArea * small.Width * small.Height)
            return whole;
        var box = Cv2.BoundingRect(largest);
        return CropRegion.Expand(box.Left / scale, box.Top / scale, box.Right / scale, box.Bottom / scale, options.Margin, bgr.Size());
    }

    private static List<Vec3b> BorderPixels(Vec3b[] pixels, int width, int height)
    {
        var border = new List<Vec3b>(2 * BorderWidth * (width + height));
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                if (y < BorderWidth || y >= height - BorderWidth || x < BorderWidth || x >= width - BorderWidth)
                    border.Add(pixels[y * width + x]);
        return border;
    }

    private static Vec3b Median(List<Vec3b> colours)
    {
        byte Channel(int c)
        {
            var values = colours.Select(v => v[c]).Order().ToList();
            return values[values.Count / 2];
        }
        return new Vec3b(Channel(0), Channel(1), Channel(2));
    }

    /// <summary>Mean absolute deviation from the median, averaged over the channels.</summary>
    private static double Spread(List<Vec3b> colours, Vec3b median) =>
        colours.Average(v => (Math.Abs(v.Item0 - median.Item0) + Math.Abs(v.Item1 - median.Item1) + Math.Abs(v.Item2 - median.Item2)) / 3.0);

    private static double Distance(Vec3b a, Vec3b b)
    {
        double d0 = a.Item0 - b.Item0, d1 = a.Item1 - b.Item1, d2 = a.Item2 - b.Item2;
        return Math.Sqrt(d0 * d0 + d1 * d1 + d2 * d2);
    }
}
