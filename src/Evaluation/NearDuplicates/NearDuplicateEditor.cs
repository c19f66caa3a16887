using OpenCvSharp;

namespace ImageSearch.Evaluation.NearDuplicates;

/// <summary>
/// Applies one <see cref="ImageEdit"/> to a decoded photo. Every random choice comes from the <see cref="Random"/> passed
/// in, so one seed gives the same copy, byte for byte, on every run.
/// </summary>
public static class NearDuplicateEditor
{
    /// <summary>JPEG quality of the copies, except <see cref="ImageEdit.Jpeg20"/>: high, so the edit is what changes.</summary>
    public const int CopyQuality = 92;

    private static readonly string[] Captions = ["SALE", "© 2026", "holiday", "look!", "#tbt", "best day", "for sale", "sample"];

    /// <summary>The edited copy, encoded as JPEG.</summary>
    public static byte[] Encode(Mat photo, ImageEdit edit, Random random)
    {
        using var edited = Apply(photo, edit, random);
        var quality = edit == ImageEdit.Jpeg20 ? 20 : CopyQuality;
        return edited.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
    }

    public static Mat Apply(Mat photo, ImageEdit edit, Random random)
    {
        var (w, h) = (photo.Width, photo.Height);
        switch (edit)
        {
            case ImageEdit.Crop:
            {
                var (cw, ch) = ((int)(w * Between(random, 0.60, 0.85)), (int)(h * Between(random, 0.60, 0.85)));
                var window = new Rect(random.Next(w - cw + 1), random.Next(h - ch + 1), cw, ch);
                return new Mat(photo, window).Clone();
            }
            case ImageEdit.Rescale:
            {
                var scale = Between(random, 0.25, 0.50);
                var result = new Mat();
                Cv2.Resize(photo, result, new Size(Math.Max(1, (int)(w * scale)), Math.Max(1, (int)(h * scale))), interpolation: InterpolationFlags.Area);
                return result;
            }
            case ImageEdit.Jpeg20:
                return photo.Clone();
            case ImageEdit.Flip:
                return photo.Flip(FlipMode.Y);
            case ImageEdit.Rotate8:
            {
                using var rotation = Cv2.GetRotationMatrix2D(new Point2f(w / 2f, h / 2f), random.Next(2) == 0 ? 8 : -8, 1);
                var result = new Mat();
                Cv2.WarpAffine(photo, result, rotation, photo.Size(), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.Black);
                return result;
            }
            case ImageEdit.Brightness:
            {
                var offset = (random.Next(2) == 0 ? -1 : 1) * random.Next(40, 71);
                var result = new Mat();
                photo.ConvertTo(result, photo.Type(), 1, offset);
                return result;
            }
            case ImageEdit.Grayscale:
            {
                using var gray = photo.CvtColor(ColorConversionCodes.BGR2GRAY);
                return gray.CvtColor(ColorConversionCodes.GRAY2BGR);
            }
            case ImageEdit.Text:
                return Caption(photo, random);
            case ImageEdit.Border:
            {
                var side = (int)(Math.Min(w, h) * Between(random, 0.05, 0.15));
                var colour = new Scalar(random.Next(256), random.Next(256), random.Next(256));
                var result = new Mat();
                Cv2.CopyMakeBorder(photo, result, side, side, side, side, BorderTypes.Constant, colour);
                return result;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(edit), edit, "unknown edit");
        }
    }

    /// <summary>White text with a black outline, about a tenth of the height tall, somewhere in the lower half.</summary>
    private static Mat Caption(Mat photo, Random random)
    {
        var result = photo.Clone();
        var text = Captions[random.Next(Captions.Length)];
        var scale = photo.Height / 250.0;
        var thickness = Math.Max(1, (int)Math.Round(scale * 2));
        var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, scale, thickness, out _);
        var origin = new Point(random.Next(Math.Max(1, photo.Width - size.Width)), photo.Height / 2 + random.Next(Math.Max(1, photo.Height / 2 - size.Height)) + size.Height);
        Cv2.PutText(result, text, origin, HersheyFonts.HersheySimplex, scale, Scalar.Black, thickness + 2, LineTypes.AntiAlias);
        Cv2.PutText(result, text, origin, HersheyFonts.HersheySimplex, scale, Scalar.White, thickness, LineTypes.AntiAlias);
        return result;
    }

    private static double Between(Random random, double low, double high) => low + random.NextDouble() * (high - low);
}
