using ImageSearch.Embedding.Onnx;
using ImageSearch.Embedding.Onnx.Graph;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Embedding.Quantization;

/// <summary>
/// Measures the value range of each activation to quantize by running the float model on the calibration images with
/// those tensors added as outputs. Percentile calibration takes a second pass: a histogram over the range the first found.
/// </summary>
internal static class ActivationCalibrator
{
    private const int Batch = 8;
    private const int Bins = 4096;
    private const double Percentile = 0.9999;

    public static Dictionary<string, ActivationQuantization> Calibrate(
        OnnxModel prepared, string input, IReadOnlyList<string> tensors, float[] images, int height, int width, CalibrationMethod method)
    {
        var probe = OnnxModel.Parse(prepared.ToBytes());
        var exposed = tensors.Where(t => t != input).ToList();
        foreach (var name in exposed)
            probe.Outputs.Add(new OnnxValueInfo(name, OnnxDataType.Float, [new OnnxDim(null), new OnnxDim(null), new OnnxDim(null), new OnnxDim(null)]));
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(OnnxBatchDimension.MakeSymbolic(probe.ToBytes()).Model, options);

        using var run = new RunOptions();
        var imageLength = 3 * height * width;
        var ranges = new Dictionary<string, (float Min, float Max)>();
        Pass((name, values) =>
        {
            var (min, max) = ranges.GetValueOrDefault(name, (float.MaxValue, float.MinValue));
            foreach (var v in values)
                (min, max) = (MathF.Min(min, v), MathF.Max(max, v));
            ranges[name] = (min, max);
        });
        if (method == CalibrationMethod.MinMax)
            return ranges.ToDictionary(r => r.Key, r => ActivationQuantization.FromRange(r.Value.Min, r.Value.Max));

        var histograms = ranges.ToDictionary(r => r.Key, _ => new long[Bins]);
        Pass((name, values) =>
        {
            var (min, max) = ranges[name];
            var histogram = histograms[name];
            var width = (max - min) / Bins;
            if (width <= 0)
                return;
            foreach (var v in values)
                histogram[Math.Clamp((int)((v - min) / width), 0, Bins - 1)]++;
        });
        return ranges.ToDictionary(r => r.Key, r => Clipped(r.Value.Min, r.Value.Max, histograms[r.Key]));

        void Pass(Action<string, ReadOnlySpan<float>> observe)
        {
            var count = images.Length / imageLength;
            for (var start = 0; start < count; start += Batch)
            {
                var n = Math.Min(Batch, count - start);
                var batch = images.AsMemory(start * imageLength, n * imageLength);
                observe(input, batch.Span);
                using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch, [n, 3, height, width]);
                using var results = session.Run(run, [input], [value], exposed);
                for (var i = 0; i < exposed.Count; i++)
                    observe(exposed[i], results[i].GetTensorDataAsSpan<float>());
            }
        }
    }

    /// <summary>Clips each tail that holds less than 1 − <see cref="Percentile"/> of the values; a range starting at 0 keeps 0.</summary>
    private static ActivationQuantization Clipped(float min, float max, long[] histogram)
    {
        var total = histogram.Sum();
        var tail = (long)(total * (1 - Percentile));
        var width = (max - min) / Bins;
        var (low, high, seen) = (0, Bins - 1, 0L);
        while (low < high && (seen += histogram[low]) <= tail) low++;
        seen = 0;
        while (high > low && (seen += histogram[high]) <= tail) high--;
        var clippedMin = min >= 0 ? min : min + low * width;
        return ActivationQuantization.FromRange(clippedMin, min + (high + 1) * width);
    }
}
