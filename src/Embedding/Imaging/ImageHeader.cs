namespace ImageSearch.Embedding.Imaging;

/// <summary>Format and stored size of an encoded image, read without decoding it (before any EXIF rotation).</summary>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height)
{
    public long Pixels => (long)Width * Height;
}
