using OpenCvSharp;

namespace ImageSearch.Embedding.Detection;

/// <summary>
/// How an image sits in a detector's square-or-not input as YOLO exports expect it: scaled by one factor to fit, keeping
/// its aspect, centred, the rest padded grey (114); RGB, 0–1, NCHW. Maps boxes found in the input back to the image.
/// </summary>
public sealed record Letterbox(double Scale, int Left, int Top, Size Scaled, Size Input, Size Image)
{
    private const byte Padding = 114;

    public static Letterbox For(Size image, Size input)
    {
        var scale = Math.Min((double)input.Width / image.Width, (double)input.Height / image.Height);
        var scaled = new Size(
            Math.Clamp((int)Math.Round(image.Width * scale), 1, input.Width),
            Math.Clamp((int)Math.Round(image.Height * scale), 1, input.Height));
        return new Letterbox(scale, (input.Width - scaled.Width) / 2, (input.Height - scaled.Height) / 2, scaled, input, image);
    }

    /// <summary>Fills <paramref name="tensor"/> (3 × input height × input width floats) with <paramref name="bgr"/> letterboxed.</summary>
    public unsafe void Write(Mat bgr, Span<float> tensor)
    {
        var plane = Input.Width * Input.Height;
        if (tensor.Length != 3 * plane)
            throw new ArgumentException($"tensor holds {tensor.Length} floats, expected {3 * plane}", nameof(tensor));
        tensor.Fill(Padding / 255f);
        using var resized = new Mat();
        var source = bgr;
        if (bgr.Size() != Scaled)
        {
            Cv2.Resize(bgr, resized, Scaled, interpolation: InterpolationFlags.Linear);
            source = resized;
        }
        const float toUnit = 1 / 255f;
        for (var y = 0; y < Scaled.Height; y++)
        {
            var row = (byte*)source.Ptr(y);
            var o = (Top + y) * Input.Width + Left;
            for (var x = 0; x < Scaled.Width; x++, o++)
            {
                var pixel = row + 3 * x;
                tensor[o] = pixel[2] * toUnit;
                tensor[plane + o] = pixel[1] * toUnit;
                tensor[2 * plane + o] = pixel[0] * toUnit;
            }
        }
    }

    /// <summary><paramref name="box"/> (input pixels) in image pixels, clipped to the image.</summary>
    public DetectedBox ToImage(DetectedBox box)
    {
        float X(float x) => (float)Math.Clamp((x - Left) / Scale, 0, Image.Width);
        float Y(float y) => (float)Math.Clamp((y - Top) / Scale, 0, Image.Height);
        return box with { Left = X(box.Left), Top = Y(box.Top), Right = X(box.Right), Bottom = Y(box.Bottom) };
    }
}
