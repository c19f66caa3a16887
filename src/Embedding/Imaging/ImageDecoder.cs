using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging.Jpeg;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// Turns encoded bytes into an 8-bit, 3-channel BGR image with EXIF orientation applied, whatever the source format
/// (grayscale, 16-bit, CMYK, palette, animated GIF's first frame). Every failure is an <see cref="ImageRejectedException"/>
/// with a dead-letter reason. With <see cref="EmbeddingOptions.StrictDecoding"/>, a JPEG is checked whole first
/// (<see cref="JpegValidator"/>), since libjpeg decodes damaged data without an error. Thread-safe.
/// </summary>
public sealed class ImageDecoder
{
    private readonly EmbeddingOptions _options;

    public ImageDecoder(IOptions<EmbeddingOptions> options)
    {
        _options = options.Value;
        OpenCvPixelLimit.Apply(_options.MaxPixels);
    }

    /// <summary>
    /// Checks the limits against the header alone: size in bytes, format, pixel count and shorter side; and that a PNG's
    /// chunk lengths fit the file (<see cref="PngChunks"/>).
    /// </summary>
    /// <exception cref="ImageRejectedException">The image breaks a limit or is not a supported image.</exception>
    public ImageHeader Inspect(ReadOnlySpan<byte> data)
    {
        if (data.Length > _options.MaxBytes)
            throw new ImageRejectedException(DeadLetterReason.TooManyBytes, $"{data.Length:N0} bytes is over the limit of {_options.MaxBytes:N0}");
        var header = ImageHeaderReader.Read(data);
        if (header.Format == ImageFormat.Png)
            PngChunks.Check(data);
        if (header.Pixels > _options.MaxPixels)
            throw new ImageRejectedException(DeadLetterReason.TooManyPixels,
                $"{header.Width}×{header.Height} = {header.Pixels:N0} pixels is over the limit of {_options.MaxPixels:N0}");
        if (Math.Min(header.Width, header.Height) < _options.MinSide)
            throw new ImageRejectedException(DeadLetterReason.TooSmall,
                $"{header.Width}×{header.Height} is smaller than the minimum side of {_options.MinSide}");
        return header;
    }

    /// <summary>Decodes the image; the caller owns the returned <see cref="Mat"/>.</summary>
    /// <param name="minimumSide">
    /// When positive, a JPEG may be decoded at 1/2, 1/4 or 1/8 scale (much faster: the scaling happens inside the DCT) as
    /// long as both sides stay at least this long. 0 decodes at full size.
    /// </param>
    /// <exception cref="ImageRejectedException">The image breaks a limit, is not an image, or is truncated or corrupt.</exception>
    public Mat Decode(ReadOnlySpan<byte> data, int minimumSide = 0)
    {
        var header = Inspect(data);
        if (_options.StrictDecoding && header.Format == ImageFormat.Jpeg)
            JpegValidator.Validate(data);
        var mode = ChooseMode(header, minimumSide);
        Mat image;
        try
        {
            // IMREAD_COLOR (and its REDUCED variants) converts gray, 16-bit, CMYK and palette images to 8-bit BGR and
            // applies the EXIF orientation; alpha is dropped.
            image = Cv2.ImDecode(data, mode);
        }
        catch (Exception e) when (e is OpenCVException or OpenCvSharpException)
        {
            throw new ImageRejectedException(DeadLetterReason.Corrupt, $"{header.Format} data is corrupt: {e.Message}");
        }
        if (image.Empty() || image.Type() != MatType.CV_8UC3)
        {
            image.Dispose();
            throw new ImageRejectedException(DeadLetterReason.Corrupt,
                $"{header.Format} {header.Width}×{header.Height}: the data is truncated or corrupt and could not be decoded");
        }
        return image;
    }

    /// <summary>
    /// Only JPEG decodes natively at reduced scale; for other formats OpenCV would decode in full and then shrink with
    /// a cheap filter, which saves nothing and loses quality.
    /// </summary>
    public ImreadModes ChooseMode(ImageHeader header, int minimumSide)
    {
        if (header.Format != ImageFormat.Jpeg || minimumSide <= 0 || !_options.ReducedDecoding)
            return ImreadModes.Color;
        var shorter = Math.Min(header.Width, header.Height);
        // libjpeg rounds scaled sizes up, so shorter / factor rounded up is what the reduced image will have.
        foreach (var (factor, mode) in ReducedModes)
            if ((shorter + factor - 1) / factor >= minimumSide)
                return mode;
        return ImreadModes.Color;
    }

    private static readonly (int Factor, ImreadModes Mode)[] ReducedModes =
        [(8, ImreadModes.ReducedColor8), (4, ImreadModes.ReducedColor4), (2, ImreadModes.ReducedColor2)];
}
