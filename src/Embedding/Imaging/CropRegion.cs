using OpenCvSharp;

namespace ImageSearch.Embedding.Imaging;

/// <summary>An object's box grown by a margin on each side, rounded outwards and clamped to the image.</summary>
public static class CropRegion
{
    /// <param name="margin">Share of the box's width (left and right) and height (top and bottom) added on each side.</param>
    public static Rect Expand(double left, double top, double right, double bottom, double margin, Size image)
    {
        var marginX = (right - left) * margin;
        var marginY = (bottom - top) * margin;
        return Rect.FromLTRB(
            Math.Max(0, (int)Math.Floor(left - marginX)),
            Math.Max(0, (int)Math.Floor(top - marginY)),
            Math.Min(image.Width, (int)Math.Ceiling(right + marginX)),
            Math.Min(image.Height, (int)Math.Ceiling(bottom + marginY)));
    }
}
