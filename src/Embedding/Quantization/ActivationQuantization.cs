namespace ImageSearch.Embedding.Quantization;

/// <summary>
/// The uint8 encoding of one activation tensor: real = (q − ZeroPoint) × Scale. Unsigned with a zero point because ONNX
/// Runtime's x64 integer kernels multiply uint8 activations by int8 weights, and a range that starts at 0 (every ReLU
/// output) gets zero point 0, which lets ONNX Runtime drop the ReLU altogether.
/// </summary>
public readonly record struct ActivationQuantization(float Scale, byte ZeroPoint)
{
    /// <summary>The encoding covering [min, max], widened to include 0 so that zero padding stays exact.</summary>
    public static ActivationQuantization FromRange(float min, float max)
    {
        (min, max) = (MathF.Min(min, 0f), MathF.Max(max, 0f));
        if (max - min < 1e-12f)
            return new ActivationQuantization(1f, 0);
        var scale = (max - min) / 255f;
        var zeroPoint = (byte)Math.Clamp(MathF.Round(-min / scale, MidpointRounding.ToEven), 0, 255);
        return new ActivationQuantization(scale, zeroPoint);
    }
}
