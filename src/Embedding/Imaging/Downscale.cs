using OpenCvSharp;

namespace ImageSearch.Embedding.Imaging;

/// <summary>Shrinking an image until its longer side fits a bound, never enlarging it.</summary>
public static class Downscale
{
    /// <summary>The factor that brings the longer side of <paramref name="size"/> to at most <paramref name="longerSide"/> (1 when it fits).</summary>
    public static double FactorToFit(Size size, int longerSide) => Math.Min(1.0, (double)longerSide / Math.Max(size.Width, size.Height));

    /// <summary>A new image: <paramref name="image"/> shrunk by <see cref="FactorToFit"/> with pixel averaging (no aliasing), or a copy when it fits.</summary>
    public static Mat ToFit(Mat image, int longerSide)
    {
        var factor = FactorToFit(image.Size(), longerSide);
        var result = new Mat();
        if (factor < 1)
            Cv2.Resize(image, result, new Size(Math.Max(1, (int)Math.Round(image.Width * factor)), Math.Max(1, (int)Math.Round(image.Height * factor))),
                interpolation: InterpolationFlags.Area);
        else
            image.CopyTo(result);
        return result;
    }
}
