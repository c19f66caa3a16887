using ImageSearch.Embedding.Detection;
using ImageSearch.Embedding.Onnx.Graph;

namespace ImageSearch.TestSupport;

/// <summary>
/// A box the tiny detector emits, in detector-input pixels (centre and size), with YOLOv5's objectness and per-class scores.
/// YOLOv8 has no objectness: its graph emits the class scores alone.
/// </summary>
public sealed record FakeBox(float CentreX, float CentreY, float Width, float Height, float Objectness, params float[] ClassScores);

/// <summary>
/// Builds an ONNX "detector" that emits known boxes in a YOLO layout, whatever image it is given: a constant output plus
/// 0 × the mean of the input, so the input is read and the graph is an ordinary image-in, boxes-out model for the code
/// under test. What it proves is the decoding, suppression, letterbox mapping and crop around the model, not detection.
/// Shared by the embedding tests and the object-crop benchmark.
/// </summary>
public static class TinyDetector
{
    public const string InputName = "images";
    public const string OutputName = "output0";

    /// <param name="minimumBoxes">
    /// Empty boxes (all zero) are added up to this count. Real exports emit thousands of boxes, far more than values per
    /// box, which is how <see cref="DetectorLayout.Auto"/> tells the axes apart; ONNX Runtime reports the constant's
    /// shape as the output's, whatever the graph declares.
    /// </param>
    /// <param name="inputDims">The input's declared shape; null declares [1, 3, 640, 640].</param>
    public static byte[] Build(DetectorLayout layout, IReadOnlyList<FakeBox> boxes, int minimumBoxes = 16, OnnxDim[]? inputDims = null)
    {
        var classes = boxes[0].ClassScores.Length;
        var padded = boxes.Concat(Enumerable.Repeat(new FakeBox(0, 0, 0, 0, 0, new float[classes]), Math.Max(0, minimumBoxes - boxes.Count))).ToList();
        var (values, shape) = layout == DetectorLayout.YoloV5
            ? (YoloV5Values(padded, classes), new long[] { 1, padded.Count, 5 + classes })
            : (YoloV8Values(padded, classes), new long[] { 1, 4 + classes, padded.Count });
        return Build(OnnxTensor.FromFloats("boxes", shape, values), inputDims);
    }

    /// <summary>A graph whose output is <paramref name="constant"/>, whatever its shape (for shapes no detector should have).</summary>
    public static byte[] Build(OnnxTensor constant, OnnxDim[]? inputDims = null)
    {
        var model = new OnnxModel();
        model.Inputs.Add(new OnnxValueInfo(InputName, OnnxDataType.Float, inputDims ?? [1, 3, 640, 640]));
        model.Outputs.Add(new OnnxValueInfo(OutputName, OnnxDataType.Float, constant.Shape.Select(d => (OnnxDim)d)));
        model.Initializers.Add(constant);
        model.Initializers.Add(OnnxTensor.FromFloats("zero", [], [0f]));
        model.Nodes.Add(new OnnxNode("ReduceMean", [InputName], ["mean"], "mean", OnnxAttribute.Int("keepdims", 0)));
        model.Nodes.Add(new OnnxNode("Mul", ["mean", "zero"], ["nothing"], "nothing"));
        model.Nodes.Add(new OnnxNode("Add", [constant.TensorName, "nothing"], [OutputName], "output"));
        return model.ToBytes();
    }

    /// <summary>Writes <paramref name="model"/> into <paramref name="folder"/> and returns its path.</summary>
    public static string Save(byte[] model, string folder, string name = "tiny-detector.onnx")
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, model);
        return path;
    }

    private static float[] YoloV5Values(IReadOnlyList<FakeBox> boxes, int classes) =>
        boxes.SelectMany(b => new[] { b.CentreX, b.CentreY, b.Width, b.Height, b.Objectness }.Concat(Scores(b, classes))).ToArray();

    /// <summary>Transposed: all boxes' centre x, then all centre y, …, then each class's scores.</summary>
    private static float[] YoloV8Values(IReadOnlyList<FakeBox> boxes, int classes)
    {
        var rows = boxes.Select(b => new[] { b.CentreX, b.CentreY, b.Width, b.Height }.Concat(Scores(b, classes)).ToArray()).ToList();
        return Enumerable.Range(0, 4 + classes).SelectMany(v => rows.Select(r => r[v])).ToArray();
    }

    private static float[] Scores(FakeBox box, int classes) =>
        box.ClassScores.Length == classes ? box.ClassScores : throw new ArgumentException("every box needs the same number of class scores");
}
