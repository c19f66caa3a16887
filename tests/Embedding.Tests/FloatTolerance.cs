namespace ImageSearch.Embedding.Tests;

/// <summary>Equality of floats within an absolute tolerance, for comparing vectors element by element.</summary>
internal sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

    public int GetHashCode(float obj) => 0;
}
