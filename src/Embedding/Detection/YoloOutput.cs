namespace ImageSearch.Embedding.Detection;

/// <summary>
/// Reads boxes out of a YOLOv5 or YOLOv8 output tensor (batch 1), keeping those that reach the confidence and, when a
/// class filter is given, whose best allowed class is one of them. Box values are in the detector's input pixels.
/// </summary>
public static class YoloOutput
{
    /// <summary>
    /// The layout of an output of shape <paramref name="dims"/> (−1 for a dynamic axis), checked to fit: rank 3, batch 1,
    /// and room for at least one class. <see cref="DetectorLayout.Auto"/> takes the fixed axis (the smaller one when both
    /// are) as each box's values. Throws <see cref="InvalidDataException"/> saying why a shape fits neither layout.
    /// </summary>
    public static DetectorLayout Resolve(DetectorLayout layout, IReadOnlyList<long> dims)
    {
        var shape = $"[{string.Join(',', dims.Select(d => d < 0 ? "?" : d.ToString()))}]";
        if (dims.Count != 3 || dims[0] > 1)
            throw new InvalidDataException($"detector output has shape {shape}; expected [1, boxes, 5+classes] (YOLOv5) or [1, 4+classes, boxes] (YOLOv8)");
        if (layout == DetectorLayout.Auto)
            layout = (dims[1], dims[2]) switch
            {
                ( < 0, < 0) => throw new InvalidDataException($"detector output has shape {shape}: both axes are dynamic, so the layout cannot be told; set Embedding:ObjectCrop:Layout"),
                ( < 0, _) => DetectorLayout.YoloV5,
                (_, < 0) => DetectorLayout.YoloV8,
                var (a, b) => a <= b ? DetectorLayout.YoloV8 : DetectorLayout.YoloV5,
            };
        var (values, needed) = layout == DetectorLayout.YoloV5 ? (dims[2], 6) : (dims[1], 5);
        if (values >= 0 && values < needed)
            throw new InvalidDataException(layout == DetectorLayout.YoloV5
                ? $"detector output has shape {shape}: a YOLOv5 output is [1, boxes, 5+classes], with at least 6 values per box"
                : $"detector output has shape {shape}: a YOLOv8 output is [1, 4+classes, boxes], with at least 5 values per box");
        return layout;
    }

    /// <summary>Number of classes an output of <paramref name="shape"/> scores, once its layout is known.</summary>
    public static int ClassCount(DetectorLayout layout, IReadOnlyList<long> shape) =>
        layout == DetectorLayout.YoloV5 ? (int)shape[2] - 5 : (int)shape[1] - 4;

    /// <summary>The boxes of one output; <paramref name="layout"/> must be resolved (not Auto).</summary>
    public static List<DetectedBox> Decode(ReadOnlySpan<float> data, IReadOnlyList<long> shape, DetectorLayout layout, float confidence, IReadOnlyCollection<int> classes)
    {
        Resolve(layout, shape);
        var classCount = ClassCount(layout, shape);
        if (classes.FirstOrDefault(c => c >= classCount, -1) is var missing and >= 0)
            throw new InvalidDataException($"class {missing} was asked for, but the detector scores {classCount} classes");
        var v5 = layout == DetectorLayout.YoloV5;
        var count = (int)(v5 ? shape[1] : shape[2]);
        var values = v5 ? (int)shape[2] : (int)shape[1];
        // Value k of box i: YOLOv5 stores each box's values together, YOLOv8 each value's boxes together.
        var (boxStride, valueStride) = v5 ? (values, 1) : (1, count);
        var boxes = new List<DetectedBox>();
        for (var i = 0; i < count; i++)
        {
            var at = i * boxStride;
            var objectness = v5 ? data[at + 4 * valueStride] : 1f;
            if (objectness < confidence)
                continue; // class scores are at most 1, so the product cannot reach the confidence either
            var first = v5 ? 5 : 4;
            var (best, bestClass) = (float.MinValue, -1);
            for (var c = 0; c < classCount; c++)
            {
                var score = data[at + (first + c) * valueStride];
                if (score > best && (classes.Count == 0 || classes.Contains(c)))
                    (best, bestClass) = (score, c);
            }
            var boxScore = objectness * best;
            if (bestClass < 0 || boxScore < confidence)
                continue;
            boxes.Add(DetectedBox.FromCentre(data[at], data[at + valueStride], data[at + 2 * valueStride], data[at + 3 * valueStride], boxScore, bestClass));
        }
        return boxes;
    }
}
