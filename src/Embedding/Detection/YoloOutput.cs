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
        if (data.Length < count * (long)(v5 ? shape[2] : shape[1]))
            throw new InvalidDataException($"detector output holds {data.Length} values, fewer than its shape [{string.Join(',', shape)}] says");
        var allowed = Enumerable.Range(0, classCount).Select(c => classes.Count == 0 || classes.Contains(c)).ToArray();
        return v5 ? DecodeYoloV5(data, count, allowed, confidence) : DecodeYoloV8(data, count, allowed, confidence);
    }

    /// <summary>Each box's values lie together: cx, cy, w, h, objectness, class scores.</summary>
    private static List<DetectedBox> DecodeYoloV5(ReadOnlySpan<float> data, int count, bool[] allowed, float confidence)
    {
        var values = 5 + allowed.Length;
        var boxes = new List<DetectedBox>();
        for (var i = 0; i < count; i++)
        {
            var box = data.Slice(i * values, values);
            if (box[4] < confidence)
                continue; // class scores are at most 1, so the product cannot reach the confidence either
            var (best, bestClass) = (float.MinValue, -1);
            for (var c = 0; c < allowed.Length; c++)
                if (allowed[c] && box[5 + c] > best)
                    (best, bestClass) = (box[5 + c], c);
            if (bestClass >= 0 && box[4] * best >= confidence)
                boxes.Add(DetectedBox.FromCentre(box[0], box[1], box[2], box[3], box[4] * best, bestClass));
        }
        return boxes;
    }

    /// <summary>Each value's boxes lie together (cx of every box, then cy, …), so the best class is found a row at a time, in memory order.</summary>
    private static List<DetectedBox> DecodeYoloV8(ReadOnlySpan<float> data, int count, bool[] allowed, float confidence)
    {
        var best = new float[count];
        var bestClass = new int[count];
        Array.Fill(best, float.MinValue);
        Array.Fill(bestClass, -1);
        for (var c = 0; c < allowed.Length; c++)
        {
            if (!allowed[c])
                continue;
            var row = data.Slice((4 + c) * count, count);
            for (var i = 0; i < count; i++)
                if (row[i] > best[i])
                    (best[i], bestClass[i]) = (row[i], c);
        }
        var boxes = new List<DetectedBox>();
        for (var i = 0; i < count; i++)
            if (bestClass[i] >= 0 && best[i] >= confidence)
                boxes.Add(DetectedBox.FromCentre(data[i], data[count + i], data[2 * count + i], data[3 * count + i], best[i], bestClass[i]));
        return boxes;
    }
}
