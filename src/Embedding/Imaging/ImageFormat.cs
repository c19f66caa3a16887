namespace ImageSearch.Embedding.Imaging;

/// <summary>Formats recognised from their leading bytes.</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    Bmp,
    Gif,
    WebP,
    Tiff,
}
