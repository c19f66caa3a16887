using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx.Graph;

namespace ImageSearch.Embedding.Onnx;

/// <summary>The one place a model file becomes what a session runs: batch made symbolic, then precision, then an optional front graph.</summary>
internal static class ModelVariants
{
    public static (byte[] Bytes, int Rewritten) Load(ModelDescriptor model, Precision precision, Func<OnnxModel, OnnxModel>? front = null)
    {
        var (bytes, rewritten) = OnnxBatchDimension.MakeSymbolic(File.ReadAllBytes(model.OnnxPath));
        if (precision == Precision.Fp32 && front is null)
            return (bytes, rewritten);
        var graph = OnnxModel.Parse(bytes);
        if (precision == Precision.Fp16)
            graph = Float16Conversion.Convert(BatchNormFolding.Fold(graph), model.Input, model.Output);
        if (front is not null)
            graph = front(graph);
        return (graph.ToBytes(), rewritten);
    }

    /// <summary>Appended to the model id: vectors of another precision are not interchangeable with fp32 ones.</summary>
    public static string IdSuffix(Precision precision) => precision == Precision.Fp32 ? "" : "-" + precision.ToString().ToLowerInvariant();
}
