namespace ImageSearch.Evaluation.NearDuplicates;

/// <summary>The edits a near-duplicate copy may carry: what people do to a photo before it comes back as a query.</summary>
public enum ImageEdit
{
    /// <summary>Keeps a random window of 35–60 % of each side (12–36 % of the area), at least 48 pixels a side.</summary>
    Crop,
    /// <summary>Shrinks to 12–25 % of each side, keeping the shorter side at least 48 pixels.</summary>
    Rescale,
    /// <summary>Re-encoded as JPEG at quality 20.</summary>
    Jpeg20,
    /// <summary>Mirrored left to right.</summary>
    Flip,
    /// <summary>Turned 8° either way about the centre, same size, black corners.</summary>
    Rotate8,
    /// <summary>Brighter or darker by 70–110 levels of 255.</summary>
    Brightness,
    /// <summary>Grey levels only (stored as three equal channels).</summary>
    Grayscale,
    /// <summary>A caption about a fifth of the height tall, anywhere on the photo.</summary>
    Text,
    /// <summary>A plain frame of 15–30 % of the shorter side on each side, in a random colour.</summary>
    Border,
}
