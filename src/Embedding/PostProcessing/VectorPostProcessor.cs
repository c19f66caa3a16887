namespace ImageSearch.Embedding.PostProcessing;

/// <summary>
/// The one place where raw model features become stored vectors: L2 normalisation, then the optional random projection
/// and a second normalisation, so every vector has length 1 and cosine similarity is a dot product. A unit-length input
/// gives the same vector as the raw features it came from, so a projection can also be applied to stored unit vectors.
/// </summary>
public sealed class VectorPostProcessor(int featureLength, ProjectionOptions projection)
{
    private readonly RandomProjection? _projection = projection.Dimension > 0
        ? new RandomProjection(featureLength, projection.Dimension, projection.Seed, projection.Kind)
        : null;

    public int Dimension => _projection?.Output ?? featureLength;

    /// <summary>Appended to the model id: the projection's kind, dimension and seed (e.g. <c>+rp128s42</c>), or nothing.</summary>
    public string IdSuffix => _projection is null ? ""
        : $"+{(projection.Kind == ProjectionKind.Sign ? "rps" : "rp")}{projection.Dimension}s{projection.Seed}";

    public float[] Process(ReadOnlySpan<float> features)
    {
        if (_projection is null)
        {
            var vector = features.ToArray();
            Normalise(vector);
            return vector;
        }
        Span<float> normalised = features.Length <= 4096 ? stackalloc float[features.Length] : new float[features.Length];
        features.CopyTo(normalised);
        Normalise(normalised);
        var projected = new float[_projection.Output];
        _projection.Project(normalised, projected);
        Normalise(projected);
        return projected;
    }

    private static void Normalise(Span<float> vector)
    {
        // An all-zero feature vector has no direction; it stays zero rather than becoming NaN.
        var inverse = InverseLength(vector);
        for (var i = 0; i < vector.Length; i++)
            vector[i] *= inverse;
    }

    /// <summary>1 / the vector's length (summed in double), or 0 for an all-zero vector.</summary>
    internal static float InverseLength(ReadOnlySpan<float> vector)
    {
        var sum = 0.0;
        foreach (var v in vector)
            sum += (double)v * v;
        return sum == 0 ? 0 : (float)(1 / Math.Sqrt(sum));
    }
}
