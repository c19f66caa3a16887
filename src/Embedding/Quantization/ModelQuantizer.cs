using System.Text.Json;
using System.Text.Json.Serialization;
using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx.Graph;

namespace ImageSearch.Embedding.Quantization;

/// <summary>
/// Builds a statically quantized (QDQ, int8) copy of a float CNN: BatchNormalization folded into Conv, per-channel
/// symmetric int8 weights, uint8 activations calibrated on sample images. The same model and the same calibration
/// files always give the same bytes. <see cref="Write"/> saves it with its own descriptor and model id, so vectors of the
/// quantized model never share a collection with the float model's.
/// </summary>
public static class ModelQuantizer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <returns>The quantized model's ONNX bytes.</returns>
    /// <exception cref="InvalidDataException">A calibration file could not be decoded.</exception>
    /// <exception cref="NotSupportedException">The graph holds ops this quantizer does not handle.</exception>
    public static byte[] Quantize(ModelDescriptor model, IReadOnlyList<string> calibrationFiles, CalibrationMethod method)
    {
        if (calibrationFiles.Count == 0)
            throw new InvalidDataException("no calibration images were given");
        var graph = OnnxModel.Load(model.OnnxPath);
        FloatGraphPreparation.Prepare(graph);
        var activations = QdqInsertion.Activations(graph);
        var images = CalibrationImages.Preprocess(calibrationFiles, model);
        var encodings = ActivationCalibrator.Calibrate(graph, model.Input, activations, images, model.Height, model.Width, method);
        // A MaxPool only picks values, so its output keeps its input's encoding; then ONNX Runtime runs it on uint8 directly.
        foreach (var pool in graph.Nodes.Where(n => n.Op == "MaxPool" && encodings.ContainsKey(n.Outputs[0])))
            encodings[pool.Outputs[0]] = encodings[pool.Inputs[0]];
        QdqInsertion.Apply(graph, activations.ToDictionary(a => a, a => encodings[a]));
        return graph.ToBytes();
    }

    /// <summary>Writes <c>ID.onnx</c> and <c>ID.json</c> (and the mean image file the descriptor needs) into <paramref name="folder"/>.</summary>
    /// <returns>The new descriptor's path, for <c>Embedding:Model</c>.</returns>
    public static string Write(ModelDescriptor source, byte[] quantized, string id, string folder)
    {
        Directory.CreateDirectory(folder);
        var onnx = $"{id}.onnx";
        File.WriteAllBytes(Path.Combine(folder, onnx), quantized);
        var meanImage = source.MeanImage;
        if (meanImage is not null)
        {
            var name = Path.GetFileName(meanImage.Onnx);
            var target = Path.Combine(folder, name);
            if (Path.GetFullPath(target) != Path.GetFullPath(Path.Combine(source.Directory, meanImage.Onnx)))
                File.Copy(Path.Combine(source.Directory, meanImage.Onnx), target, overwrite: true);
            meanImage = meanImage with { Onnx = name };
        }
        var descriptor = source with { Id = id, Onnx = onnx, MeanImage = meanImage };
        var path = Path.Combine(folder, $"{id}.json");
        var json = JsonSerializer.SerializeToNode(descriptor, Json)!.AsObject();
        json.Remove(nameof(ModelDescriptor.OnnxPath).ToLowerInvariant()[0] + nameof(ModelDescriptor.OnnxPath)[1..]); // derived, not a setting
        File.WriteAllText(path, json.ToJsonString(Json));
        return path;
    }
}
