namespace ImageSearch.Benchmarks.Api;

internal sealed record Percentiles(double P50, double P95, double P99)
{
    public Percentiles(IEnumerable<double> samples) : this(At(samples, 0.50), At(samples, 0.95), At(samples, 0.99)) { }

    private static double At(IEnumerable<double> samples, double q)
    {
        var sorted = samples.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)];
    }
}
