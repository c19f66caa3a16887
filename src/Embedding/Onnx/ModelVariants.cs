using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx.Graph;

namespace ImageSearch.Embedding.Onnx;

/// <summary>
/// The one place a model file becomes what a session runs: batch made symbolic, then the feature map exposed if asked
/// (in float32, so its output stays float32), then precision, then an optional front graph.
/// </summary>
internal static class ModelVariants
{
    /// <param name="featureMap">Output <see cref="ModelDescriptor.FeatureMap"/> at any input size instead of the pooled output.</param>
    public static (byte[] Bytes, int Rewritten) Load(ModelDescriptor model, Precision precision, bool featureMap = false, Func<OnnxModel, OnnxModel>? front = null)
    {
        var (bytes, rewritten) = OnnxBatchDimension.MakeSymbolic(File.ReadAllBytes(model.OnnxPath));
        if (featureMap)
            bytes = OnnxFeatureMap.Expose(bytes, model.FeatureMap
                ?? throw new InvalidDataException($"model {model.Id} names no feature map (\"featureMap\" in its descriptor), which Embedding:Descriptor needs"), model.Input);
        if (precision == Precision.Fp32 && front is null)
            return (bytes, rewritten);
        var graph = OnnxModel.Parse(bytes);
        if (precision == Precision.Fp16)
            graph = Float16Conversion.Convert(BatchNormFolding.Fold(graph), model.Input, featureMap ? model.FeatureMap! : model.Output);
        if (front is not null)
            graph = front(graph);
        return (graph.ToBytes(), rewritten);
    }

    /// <summary>Appended to the model id: vectors of another precision are not interchangeable with fp32 ones.</summary>
    public static string IdSuffix(Precision precision) => precision == Precision.Fp32 ? "" : "-" + precision.ToString().ToLowerInvariant();
}
