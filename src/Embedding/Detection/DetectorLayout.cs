namespace ImageSearch.Embedding.Detection;

/// <summary>How a YOLO-style detector lays out its single output tensor.</summary>
public enum DetectorLayout
{
    /// <summary>Told from the output's shape: the fixed, smaller axis holds each box's values.</summary>
    Auto,

    /// <summary>[1, boxes, 5 + classes]: cx, cy, w, h, objectness, class scores; a box's score is objectness × best class score.</summary>
    YoloV5,

    /// <summary>[1, 4 + classes, boxes]: cx, cy, w, h, class scores, transposed, no objectness; a box's score is its best class score.</summary>
    YoloV8,
}
