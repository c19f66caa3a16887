using System.ComponentModel.DataAnnotations;
using ImageSearch.Embedding.Detection;

namespace ImageSearch.Embedding;

/// <summary>
/// Optional crop to the largest object before resizing, for photos whose framing varies: the object, not the space
/// around it, then fills the model input. Found by an ONNX detector (<see cref="Detector"/>) or, without one, by the
/// plain-backdrop heuristic. Ingest and query must crop alike, so the choice joins the model id the collection records.
/// </summary>
public sealed class ObjectCropOptions : IValidatableObject
{
    /// <summary>Crop with the backdrop heuristic, or with <see cref="Detector"/> when that is set (which turns the crop on by itself).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Largest spread (mean absolute deviation, 0–255 per channel) of the border's colours for it to count as a plain
    /// background. Above it the photo is a scene, not an object on a backdrop, and is used whole. Heuristic only.
    /// </summary>
    [Range(0, 255)]
    public double MaxBackgroundSpread { get; set; } = 12;

    /// <summary>Smallest share of the image the object must cover; smaller finds are specks, and the photo is used whole.</summary>
    [Range(0.0, 1.0)]
    public double MinObjectArea { get; set; } = 0.02;

    /// <summary>Background kept around the object, as a share of its width and height on each side.</summary>
    [Range(0.0, 1.0)]
    public double Margin { get; set; } = 0.05;

    /// <summary>Path of an ONNX object detector (YOLOv5 or YOLOv8 export); empty: the backdrop heuristic.</summary>
    public string Detector { get; set; } = "";

    /// <summary>How the detector's output is laid out; <see cref="DetectorLayout.Auto"/> tells from its shape.</summary>
    public DetectorLayout Layout { get; set; } = DetectorLayout.Auto;

    /// <summary>Smallest box score (YOLOv5: objectness × class score; YOLOv8: class score) a detection needs.</summary>
    [Range(0.0, 1.0)]
    public double Confidence { get; set; } = 0.25;

    /// <summary>Overlap (intersection over union) above which the lower-scored of two boxes is suppressed.</summary>
    [Range(0.0, 1.0)]
    public double Iou { get; set; } = 0.45;

    /// <summary>Detector input side in pixels (a multiple of 32) when the model's own is dynamic; 0 = the model's, or 640 when it has none.</summary>
    [Range(0, 8192)]
    public int InputSize { get; set; }

    /// <summary>Class indices a detection may have (e.g. COCO 0 = person); empty = any class.</summary>
    public int[] Classes { get; set; } = [];

    /// <summary>Whether any crop is on.</summary>
    public bool IsOn => Enabled || HasDetector;

    public bool HasDetector => !string.IsNullOrWhiteSpace(Detector);

    /// <summary>The detector's full path (relative paths are taken from the working directory, like <c>Embedding:Model</c>).</summary>
    public string ResolveDetectorPath() => Path.GetFullPath(Detector);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HasDetector && !File.Exists(ResolveDetectorPath()))
            yield return new ValidationResult($"detector model not found: {ResolveDetectorPath()}", [nameof(Detector)]);
        if (Classes.Any(c => c < 0))
            yield return new ValidationResult("class indices must not be negative", [nameof(Classes)]);
        if (InputSize % 32 != 0)
            yield return new ValidationResult("the detector input side must be a multiple of 32 (YOLO's largest stride)", [nameof(InputSize)]);
    }
}
