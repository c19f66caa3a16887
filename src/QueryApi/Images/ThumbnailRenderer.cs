using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace ImageSearch.QueryApi.Images;

/// <summary>
/// JPEG thumbnails of stored images, read and decoded by the embedding core (allowed roots with links resolved, byte and
/// pixel limits, EXIF orientation, reduced JPEG decoding) and shrunk to <see cref="QueryApiOptions.ThumbnailSize"/>.
/// </summary>
public sealed class ThumbnailRenderer(ImageFileReader reader, ImageDecoder decoder, IOptions<QueryApiOptions> options)
{
    private const int Quality = 85;
    private readonly int _size = options.Value.ThumbnailSize;

    /// <exception cref="ImageRejectedException">Outside the roots, missing, unreadable or not a usable image.</exception>
    public async Task<byte[]> RenderAsync(string path, CancellationToken cancellationToken)
    {
        using var encoded = await reader.ReadAsync(path, cancellationToken);
        // Decoding at 1/2..1/8 is allowed while the shorter side stays at the thumbnail size: much less work for photos.
        using var image = decoder.Decode(encoded.Span, minimumSide: _size);
        using var thumbnail = Downscale.ToFit(image, _size);
        Cv2.ImEncode(".jpg", thumbnail, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, Quality));
        return jpeg;
    }
}
