namespace ImageSearch.Embedding;

/// <summary>Number format of the model's weights and arithmetic (<c>Embedding:Precision</c>).</summary>
public enum Precision
{
    /// <summary>The model as shipped.</summary>
    Fp32,
    /// <summary>
    /// Weights and activations in 16-bit floats, converted at load; input and output stay 32-bit. About twice as fast on a
    /// GPU with tensor cores; vectors get a distinct model id (<c>-fp16</c>), since they differ slightly from fp32 ones.
    /// </summary>
    Fp16,
}
