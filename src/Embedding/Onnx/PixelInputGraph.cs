using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx.Graph;

namespace ImageSearch.Embedding.Onnx;

/// <summary>
/// Puts the preprocessor's normalisation in front of a model, so the model takes the resized image itself: uint8 BGR,
/// [N, height, width, 3], as the GPU decode path leaves it in GPU memory. Cast to float, NHWC → NCHW, channel order,
/// then value × multiply[c] − subtract[c, y, x]: the same arithmetic as <see cref="Imaging.ImagePreprocessor"/>.
/// </summary>
internal static class PixelInputGraph
{
    public const string Input = "pixels";

    public static OnnxModel Prepend(OnnxModel model, ModelDescriptor descriptor, float[] multiply, float[] subtract)
    {
        var (h, w) = (descriptor.Height, descriptor.Width);
        var nodes = new List<OnnxNode>
        {
            new("Cast", [Input], ["pixels_float"], "pixels_cast", OnnxAttribute.Int("to", (long)OnnxDataType.Float)),
            new("Transpose", ["pixels_float"], ["pixels_nchw"], "pixels_nchw", OnnxAttribute.Ints("perm", 0, 3, 1, 2)),
        };
        var current = "pixels_nchw";
        if (descriptor.ChannelOrder == ChannelOrder.Rgb)
        {
            model.Initializers.Add(OnnxTensor.FromInt64s("pixels_rgb_order", [3], [2, 1, 0]));
            nodes.Add(new OnnxNode("Gather", [current, "pixels_rgb_order"], ["pixels_rgb"], "pixels_rgb", OnnxAttribute.Int("axis", 1)));
            current = "pixels_rgb";
        }
        if (multiply.Any(m => m != 1f))
        {
            model.Initializers.Add(OnnxTensor.FromFloats("pixels_multiply", [1, 3, 1, 1], multiply));
            nodes.Add(new OnnxNode("Mul", [current, "pixels_multiply"], ["pixels_scaled"], "pixels_scale"));
            current = "pixels_scaled";
        }
        model.Initializers.Add(OnnxTensor.FromFloats("pixels_subtract", [1, 3, h, w], subtract));
        nodes.Add(new OnnxNode("Sub", [current, "pixels_subtract"], [descriptor.Input], "pixels_normalise"));

        var old = model.Inputs.FindIndex(i => i.ValueName == descriptor.Input);
        if (old < 0)
            throw new InvalidDataException($"model {descriptor.Id} has no input '{descriptor.Input}'");
        model.Inputs.RemoveAt(old);
        model.Inputs.Insert(0, new OnnxValueInfo(Input, OnnxDataType.Uint8, ["N", h, w, 3]));
        model.Nodes.InsertRange(0, nodes);
        return model;
    }
}
