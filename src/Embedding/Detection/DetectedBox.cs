namespace ImageSearch.Embedding.Detection;

/// <summary>One detection: corners in the coordinates of the image it was found in, its score and its class.</summary>
public readonly record struct DetectedBox(float Left, float Top, float Right, float Bottom, float Score, int Class)
{
    public float Width => Math.Max(0, Right - Left);
    public float Height => Math.Max(0, Bottom - Top);
    public float Area => Width * Height;

    public static DetectedBox FromCentre(float cx, float cy, float w, float h, float score, int @class) =>
        new(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, @class);

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public float Iou(DetectedBox other)
    {
        var w = Math.Min(Right, other.Right) - Math.Max(Left, other.Left);
        var h = Math.Min(Bottom, other.Bottom) - Math.Max(Top, other.Top);
        if (w <= 0 || h <= 0)
            return 0;
        var intersection = w * h;
        return intersection / (Area + other.Area - intersection);
    }
}
