using System.Globalization;

namespace ImageSearch.Evaluation.Configurations;

/// <summary>
/// The matrices the <c>eval</c> benchmark and a bare <c>evaluate</c> run compare: descriptors at full dimension and
/// projected to 256 and 128, so the report shows what a smaller vector costs in quality and saves in memory.
/// </summary>
public static class StandardConfigurations
{
    public static readonly int[] ProjectedDimensions = [256, 128];

    /// <summary>
    /// The descriptor kinds of the model's last convolutional block (docs/descriptors.md): average pooling (the model's
    /// own output), GeM with p = 3, R-MAC, average pooling over three input sizes, and average pooling of the image and
    /// its mirror.
    /// </summary>
    public static IReadOnlyList<EvaluationConfiguration> Descriptors { get; } =
    [
        new("gap", []),
        EvaluationConfiguration.Parse("gem3;Embedding:Descriptor:Kind=Gem;Embedding:Descriptor:GemP=3"),
        EvaluationConfiguration.Parse("rmac;Embedding:Descriptor:Kind=Rmac"),
        EvaluationConfiguration.Parse("gap-ms;Embedding:Descriptor:Scales:0=1;Embedding:Descriptor:Scales:1=0.707;Embedding:Descriptor:Scales:2=1.414"),
        EvaluationConfiguration.Parse("gap-flip;Embedding:Descriptor:Flip=true"),
    ];

    /// <summary>What <c>evaluate</c> compares when given no configuration: the default descriptor at each dimension.</summary>
    public static IReadOnlyList<EvaluationConfiguration> Default { get; } = Projected(Descriptors[0]).ToList();

    /// <summary>
    /// Every descriptor at every dimension, with the configured model and, when <paramref name="int8Model"/> names an
    /// int8 model descriptor (<c>ingestor quantize</c>), with that model too (names end in <c>-int8</c>).
    /// </summary>
    public static IReadOnlyList<EvaluationConfiguration> Matrix(string? int8Model = null)
    {
        var descriptors = int8Model is null ? Descriptors
            : Descriptors.Concat(Descriptors.Select(d => new EvaluationConfiguration($"{d.Name}-int8",
                [.. d.Overrides, KeyValuePair.Create("Embedding:Model", int8Model)]))).ToList();
        return descriptors.SelectMany(Projected).ToList();
    }

    /// <summary>The configuration itself, then one per projected dimension (seeded, Gaussian, as configured by default).</summary>
    public static IEnumerable<EvaluationConfiguration> Projected(EvaluationConfiguration descriptor)
    {
        yield return descriptor;
        foreach (var dimension in ProjectedDimensions)
            yield return new EvaluationConfiguration($"{descriptor.Name}-rp{dimension}",
                [.. descriptor.Overrides, KeyValuePair.Create("Embedding:Projection:Dimension", dimension.ToString(CultureInfo.InvariantCulture))]);
    }
}
