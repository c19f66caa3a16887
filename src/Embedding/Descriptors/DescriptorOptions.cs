using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace ImageSearch.Embedding.Descriptors;

/// <summary>
/// How the vector is computed from the model (the <c>Embedding:Descriptor</c> section). Anything but the default
/// (<see cref="DescriptorKind.Gap"/> at scale 1, no flip) reads the model's last convolutional block, named by the model
/// descriptor's <c>featureMap</c>, and joins the model id, so a collection never mixes descriptors.
/// </summary>
public sealed class DescriptorOptions : IValidatableObject
{
    /// <summary>Input sizes are rounded to this many pixels: the total stride of a ResNet, so every scale yields whole cells.</summary>
    public const int SizeStep = 32;

    public DescriptorKind Kind { get; set; } = DescriptorKind.Gap;

    /// <summary>GeM's exponent p (only for <see cref="DescriptorKind.Gem"/>): 1 is the average, 3 the usual choice.</summary>
    [Range(1.0, 64.0)]
    public double GemP { get; set; } = 3;

    /// <summary>
    /// Input sizes, as factors of the model's own input size, whose descriptors are averaged (each rounded to a multiple
    /// of 32 pixels; e.g. <c>[1, 0.707, 1.414]</c> runs a 224-pixel model at 224, 160 and 320). Empty: the model's size
    /// alone. (Empty rather than <c>[1]</c> by default, because configuration binding appends to an array's defaults.)
    /// </summary>
    public double[] Scales { get; set; } = [];

    /// <summary><see cref="Scales"/>, or the model's own size alone when none are given.</summary>
    public double[] ScalesOrDefault => Scales.Length == 0 ? [1.0] : Scales;

    /// <summary>Also run the horizontally mirrored image and average both descriptors.</summary>
    public bool Flip { get; set; }

    /// <summary>Whether the model's pooled output is enough, or the feature map must be read.</summary>
    public bool NeedsFeatureMap => Kind != DescriptorKind.Gap || Flip || ScalesOrDefault is not [1.0];

    /// <summary>
    /// Appended to the model id: the kind (<c>+gem3</c>, <c>+rmac</c>), the input sizes when not just the model's
    /// (<c>+ms224-160-320</c>) and <c>+flip</c>; nothing for the default.
    /// </summary>
    public string IdSuffix(int width, int height)
    {
        var kind = Kind switch
        {
            DescriptorKind.Gem => "+gem" + GemP.ToString("0.##", CultureInfo.InvariantCulture),
            DescriptorKind.Rmac => "+rmac",
            _ => "",
        };
        var sizes = ScalesOrDefault is [1.0] ? "" : "+ms" + string.Join("-", ScalesOrDefault.Select(s => Size(s, Math.Min(width, height))));
        return kind + sizes + (Flip ? "+flip" : "");
    }

    /// <summary>The input side for <paramref name="scale"/> times <paramref name="side"/>, a multiple of <see cref="SizeStep"/>.</summary>
    public static int Size(double scale, int side) =>
        scale == 1.0 ? side : Math.Max(SizeStep, (int)Math.Round(scale * side / SizeStep) * SizeStep);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Scales.Any(s => s is < 0.25 or > 4 || double.IsNaN(s)))
            yield return new ValidationResult("scales must lie between 0.25 and 4", [nameof(Scales)]);
        if (Scales.Distinct().Count() != Scales.Length)
            yield return new ValidationResult("scales must differ from each other", [nameof(Scales)]);
    }
}
