namespace ImageSearch.Embedding.PostProcessing;

/// <summary>
/// A seeded random matrix that maps vectors to fewer dimensions while roughly keeping their angles
/// (Johnson–Lindenstrauss). The generator is our own (SplitMix64), not <see cref="Random"/>, so the same seed gives the
/// same matrix on every runtime version and machine: ingest and query must agree for years.
/// </summary>
internal sealed class RandomProjection
{
    private readonly float[] _matrix; // row-major, Output × Input
    private readonly int _input;

    public RandomProjection(int input, int output, int seed, ProjectionKind kind)
    {
        _input = input;
        Output = output;
        _matrix = new float[input * output];
        var random = new SplitMix64((ulong)(uint)seed);
        var scale = 1f / MathF.Sqrt(output); // keeps expected lengths; the result is renormalised anyway
        for (var i = 0; i < _matrix.Length; i++)
            _matrix[i] = scale * (kind == ProjectionKind.Sign ? (random.Next() >> 63 == 0 ? 1f : -1f) : random.NextGaussian());
    }

    public int Output { get; }

    public void Project(ReadOnlySpan<float> vector, Span<float> result)
    {
        for (var row = 0; row < Output; row++)
        {
            var weights = _matrix.AsSpan(row * _input, _input);
            var sum = 0f;
            for (var i = 0; i < weights.Length; i++)
                sum += weights[i] * vector[i];
            result[row] = sum;
        }
    }

    private struct SplitMix64(ulong state)
    {
        public ulong Next()
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in (0, 1]: 53 random bits, never 0 so the logarithm below is finite.</summary>
        private double NextUnit() => ((Next() >> 11) + 1) * (1.0 / (1UL << 53));

        /// <summary>Standard normal by Box–Muller (one of the pair is used: simpler, and generation is a one-off).</summary>
        public float NextGaussian() => (float)(Math.Sqrt(-2 * Math.Log(NextUnit())) * Math.Cos(2 * Math.PI * NextUnit()));
    }
}
