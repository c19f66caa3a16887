using System.ComponentModel.DataAnnotations;

namespace ImageSearch.Embedding;

/// <summary>
/// Optional crop to the largest object before resizing, for catalogue-style photos (an object on a plain background)
/// whose framing varies: the object, not the empty space around it, then fills the model input. Ingest and query must
/// crop alike, so the setting joins the model id that the collection records.
/// </summary>
public sealed class ObjectCropOptions
{
    public bool Enabled { get; set; }

    /// <summary>
    /// Largest spread (mean absolute deviation, 0–255 per channel) of the border's colours for it to count as a plain
    /// background. Above it the photo is a scene, not an object on a backdrop, and is used whole.
    /// </summary>
    [Range(0, 255)]
    public double MaxBackgroundSpread { get; set; } = 12;

    /// <summary>Smallest share of the image the object must cover; smaller finds are specks, and the photo is used whole.</summary>
    [Range(0.0, 1.0)]
    public double MinObjectArea { get; set; } = 0.02;

    /// <summary>Background kept around the object, as a share of its width and height on each side.</summary>
    [Range(0.0, 1.0)]
    public double Margin { get; set; } = 0.05;
}
