using ImageSearch.Embedding.Detection;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace ImageSearch.Embedding.Imaging;

/// <summary>Chooses the region of a decoded image to embed: its largest object with a margin, or the whole image.</summary>
public interface IObjectRegionFinder
{
    /// <summary>What joins the model id, so vectors cropped one way never share a collection with others.</summary>
    string IdSuffix { get; }

    /// <summary>The region of <paramref name="bgr"/> to embed; the whole image when no object is found.</summary>
    Rect Find(Mat bgr);

    /// <summary>The finder <paramref name="options"/> configure: the detector when one is set, else the backdrop heuristic, or none.</summary>
    static IObjectRegionFinder? Create(EmbeddingOptions options, ILogger logger) =>
        options.ObjectCrop.HasDetector ? new OnnxObjectDetector(options, logger)
        : options.ObjectCrop.Enabled ? new LargestObjectFinder(options.ObjectCrop)
        : null;
}
