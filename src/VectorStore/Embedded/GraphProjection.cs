using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using static ImageSearch.VectorStore.Embedded.UsearchNative;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The principal directions of a collection's rows when its graph was created: a graph built with one holds each vector
/// as its coordinates along them (<see cref="HnswOptions.Dimensions"/> of them), so adding and searching touch a
/// quarter of the memory, while search re-ranks the graph's candidates with the full vectors from the arena. Embeddings
/// keep most of their variance in few directions, so who is near whom survives the projection; the directions are
/// orthonormal, so the graph's L2 between two projections is the part of their distance those directions carry. Cosine
/// collections are normalised first, so L2 follows the angle. An I8 graph gets the projections at one fixed scale
/// (127 at the largest coordinate seen while fitting, ×1.25), not each scaled to its own length as USearch would.
/// </summary>
internal sealed class GraphProjection
{
    private const int Iterations = 30;
    private const float Headroom = 1.25f;

    private readonly float[] _mean, _basis; // From floats; Dimension rows of From floats

    private GraphProjection(bool normalise, float scale, float[] mean, float[] basis)
    {
        (Normalise, Scale, _mean, _basis) = (normalise, scale, mean, basis);
        Dimension = basis.Length / mean.Length;
    }

    public int From => _mean.Length;

    public int Dimension { get; }

    private bool Normalise { get; }

    private float Scale { get; set; }

    /// <summary>The graph dimensions a new collection gets: <paramref name="configured"/> if it is below the vectors', else 0 (no projection).</summary>
    public static int DimensionsFor(int dimension, int configured) => configured > 0 && configured < dimension ? configured : 0;

    /// <summary>Writes the graph's form of <paramref name="vector"/> into <paramref name="into"/>: float32, or int8 for an I8 graph.</summary>
    public ScalarKind Write(ReadOnlySpan<float> vector, Span<byte> into, bool int8)
    {
        Span<float> centred = stackalloc float[From];
        if (Normalise)
            ToUnitLength(vector, centred);
        else
            vector.CopyTo(centred);
        TensorPrimitives.Subtract(centred, _mean, centred);
        Span<float> projected = int8 ? stackalloc float[Dimension] : MemoryMarshal.Cast<byte, float>(into)[..Dimension];
        for (var r = 0; r < Dimension; r++)
            projected[r] = TensorPrimitives.Dot(_basis.AsSpan(r * From, From), centred);
        if (!int8)
            return ScalarKind.F32;
        var quantised = MemoryMarshal.Cast<byte, sbyte>(into);
        for (var r = 0; r < Dimension; r++)
            quantised[r] = (sbyte)Math.Clamp(MathF.Round(projected[r] * Scale), -127f, 127f);
        return ScalarKind.I8;
    }

    /// <summary>
    /// The <paramref name="dimension"/> directions of largest variance among <paramref name="rows"/>: their covariance,
    /// then subspace iteration (multiply, re-orthonormalise) from a seeded start, so the same rows give the same projection.
    /// Null when the projections would not keep who is near whom (<see cref="ProjectionCheck"/>), e.g. for i.i.d. random vectors.
    /// </summary>
    public static GraphProjection? Fit(IReadOnlyList<float[]> rows, int dimension, DistanceMetric metric)
    {
        var from = rows[0].Length;
        var normalise = metric == DistanceMetric.Cosine;
        var prepared = rows.Select(r => normalise ? Normalised(r) : r).ToArray();
        var mean = new float[from];
        foreach (var row in prepared)
            TensorPrimitives.Add(mean, row, mean);
        TensorPrimitives.Divide(mean, prepared.Length, mean);
        var centredRows = prepared.Select(row =>
        {
            var centred = new float[from];
            TensorPrimitives.Subtract(row, mean, centred);
            return centred;
        }).ToArray();
        var covariance = new float[from * from];
        Parallel.For(0, from, i =>
        {
            var line = covariance.AsSpan(i * from, from);
            foreach (var row in centredRows)
                TensorPrimitives.MultiplyAdd(row, row[i], line, line);
        });
        var random = new Random(from * 31 + dimension);
        var (basis, next) = (new float[dimension * from], new float[dimension * from]);
        for (var i = 0; i < basis.Length; i++)
            basis[i] = random.NextSingle() - 0.5f;
        Orthonormalise(basis, from);
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var current = basis;
            Parallel.For(0, dimension, r =>
            {
                for (var i = 0; i < from; i++)
                    next[r * from + i] = TensorPrimitives.Dot(covariance.AsSpan(i * from, from), current.AsSpan(r * from, from));
            });
            Orthonormalise(next, from);
            (basis, next) = (next, basis);
        }
        var projection = new GraphProjection(normalise, 1f, mean, basis);
        var projections = rows.Select(row =>
        {
            var projected = new float[dimension];
            projection.Write(row, MemoryMarshal.AsBytes(projected.AsSpan()), int8: false);
            return projected;
        }).ToArray();
        if (ProjectionCheck.NeighbourRecall(prepared, projections) < ProjectionCheck.MinimumRecall)
            return null;
        var largest = projections.Max(p => MathF.Abs(TensorPrimitives.MaxMagnitude(p)));
        projection.Scale = largest > 0 ? 127f / (largest * Headroom) : 1f;
        return projection;
    }

    public void Save(string file)
    {
        using var writer = new BinaryWriter(File.Create(file));
        writer.Write(From);
        writer.Write(Dimension);
        writer.Write(Normalise);
        writer.Write(Scale);
        foreach (var x in _mean.Concat(_basis))
            writer.Write(x);
    }

    public static GraphProjection Load(string file)
    {
        using var reader = new BinaryReader(File.OpenRead(file));
        var (from, dimension, normalise, scale) = (reader.ReadInt32(), reader.ReadInt32(), reader.ReadBoolean(), reader.ReadSingle());
        var (mean, basis) = (new float[from], new float[from * dimension]);
        for (var i = 0; i < mean.Length; i++)
            mean[i] = reader.ReadSingle();
        for (var i = 0; i < basis.Length; i++)
            basis[i] = reader.ReadSingle();
        return new GraphProjection(normalise, scale, mean, basis);
    }

    private static float[] Normalised(float[] row)
    {
        var copy = new float[row.Length];
        ToUnitLength(row, copy);
        return copy;
    }

    /// <summary><paramref name="vector"/> scaled to unit length into <paramref name="into"/>; an all-zero vector stays zero.</summary>
    private static void ToUnitLength(ReadOnlySpan<float> vector, Span<float> into)
    {
        var norm = TensorPrimitives.Norm(vector);
        TensorPrimitives.Divide(vector, norm > 0 ? norm : 1f, into);
    }

    /// <summary>Modified Gram–Schmidt over the rows, in order; a row that vanishes (rank deficiency) is left at zero.</summary>
    private static void Orthonormalise(float[] rows, int length)
    {
        for (var r = 0; r < rows.Length / length; r++)
        {
            var row = rows.AsSpan(r * length, length);
            for (var j = 0; j < r; j++)
            {
                var other = rows.AsSpan(j * length, length);
                TensorPrimitives.MultiplyAdd(other, -TensorPrimitives.Dot(row, other), row, row);
            }
            var norm = TensorPrimitives.Norm(row);
            if (norm > 1e-6f)
                TensorPrimitives.Divide(row, norm, row);
            else
                row.Clear();
        }
    }
}
