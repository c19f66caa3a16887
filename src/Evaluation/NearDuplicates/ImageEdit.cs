namespace ImageSearch.Evaluation.NearDuplicates;

/// <summary>The edits a near-duplicate copy may carry: what people do to a photo before it comes back as a query.</summary>
public enum ImageEdit
{
    /// <summary>Keeps a random window of 60–85 % of each side.</summary>
    Crop,
    /// <summary>Shrinks to 25–50 % of each side.</summary>
    Rescale,
    /// <summary>Re-encoded as JPEG at quality 20.</summary>
    Jpeg20,
    /// <summary>Mirrored left to right.</summary>
    Flip,
    /// <summary>Turned 8° either way about the centre, same size, black corners.</summary>
    Rotate8,
    /// <summary>Brighter or darker by 40–70 levels of 255.</summary>
    Brightness,
    /// <summary>Grey levels only (stored as three equal channels).</summary>
    Grayscale,
    /// <summary>A caption written across the lower part.</summary>
    Text,
    /// <summary>A plain frame of 5–15 % of the size on each side, in a random colour.</summary>
    Border,
}
