namespace ImageSearch.Evaluation.Configurations;

/// <summary>
/// The matrix the <c>eval</c> benchmark and a bare <c>evaluate</c> run compare: each descriptor at full dimension and
/// projected to 256 and 128, so the report shows what a smaller vector costs in quality and saves in memory.
/// </summary>
public static class StandardConfigurations
{
    public static readonly int[] ProjectedDimensions = [256, 128];

    /// <summary>Named descriptors; each is evaluated as given and at every <see cref="ProjectedDimensions"/>.</summary>
    public static IReadOnlyList<EvaluationConfiguration> Descriptors { get; } =
    [
        new("gap", []),
    ];

    public static IReadOnlyList<EvaluationConfiguration> All { get; } = Descriptors.SelectMany(Projected).ToList();

    /// <summary>The configuration itself, then one per projected dimension (seeded, Gaussian, as configured by default).</summary>
    public static IEnumerable<EvaluationConfiguration> Projected(EvaluationConfiguration descriptor)
    {
        yield return descriptor;
        foreach (var dimension in ProjectedDimensions)
            yield return new EvaluationConfiguration($"{descriptor.Name}-rp{dimension}",
                [.. descriptor.Overrides, KeyValuePair.Create("Embedding:Projection:Dimension", dimension.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
    }
}
