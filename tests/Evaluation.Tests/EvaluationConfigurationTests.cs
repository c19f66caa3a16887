using ImageSearch.Embedding;
using ImageSearch.Embedding.Descriptors;
using ImageSearch.Evaluation.Configurations;
using Microsoft.Extensions.Configuration;

namespace ImageSearch.Evaluation.Tests;

public sealed class EvaluationConfigurationTests
{
    private static readonly IConfiguration Shared = new ConfigurationBuilder()
        .AddInMemoryCollection([new("Embedding:MaxBatchSize", "8"), new("Embedding:Projection:Seed", "7")])
        .Build();

    [Fact]
    public void ParsesANameAndItsOverrides()
    {
        var configuration = EvaluationConfiguration.Parse("rp256; Embedding:Projection:Dimension=256 ;Embedding:ObjectCrop:Enabled=true");

        Assert.Equal("rp256", configuration.Name);
        Assert.Equal([new("Embedding:Projection:Dimension", "256"), new("Embedding:ObjectCrop:Enabled", "true")], configuration.Overrides);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Embedding:Projection:Dimension=256")]
    [InlineData("name;Embedding:Projection:Dimension")]
    public void RefusesTextThatIsNotANameAndOverrides(string text)
    {
        Assert.Throws<FormatException>(() => EvaluationConfiguration.Parse(text));
    }

    [Fact]
    public void OverridesGoOnTopOfTheSharedSettings()
    {
        var options = EvaluationConfiguration.Parse("x;Embedding:Projection:Dimension=128;Embedding:Projection:Kind=Sign").Options(Shared);

        Assert.Equal(8, options.MaxBatchSize);
        Assert.Equal(128, options.Projection.Dimension);
        Assert.Equal(7, options.Projection.Seed);
        Assert.Equal(ProjectionKind.Sign, options.Projection.Kind);
    }

    [Fact]
    public void AnUnknownKeyIsAnErrorNamingTheConfiguration()
    {
        var error = Assert.Throws<FormatException>(() => EvaluationConfiguration.Parse("typo;Embedding:Projection:Dimensions=128").Options(Shared));

        Assert.Contains("'typo'", error.Message);
        Assert.Contains("Dimensions", error.Message);
    }

    [Theory]
    [InlineData("bad;Bus:Host=x", "not an Embedding:* key")]
    [InlineData("bad;Embedding:Projection:Dimension=-1", "Dimension")]
    [InlineData("bad;Embedding:Projection:Dimension=many", "many")]
    public void AKeyOutsideTheSectionOrAnInvalidValueIsAnError(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => EvaluationConfiguration.Parse(text).Options(Shared));

        Assert.Contains("'bad'", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void TheDefaultProjectsTheDefaultDescriptorTo256And128()
    {
        var all = StandardConfigurations.Default;

        Assert.Equal(["gap", "gap-rp256", "gap-rp128"], all.Select(c => c.Name));
        Assert.Equal([0, 256, 128], all.Select(c => c.Options(Shared).Projection.Dimension));
    }

    [Fact]
    public void TheMatrixHasEveryDescriptorAtEveryDimensionInFloatAndInt8()
    {
        var int8 = new EmbeddingOptions().ResolveModelPath(); // any descriptor that exists: options are validated
        var matrix = StandardConfigurations.Matrix(int8);

        Assert.Equal(5 * 2 * 3, matrix.Count);
        Assert.Equal(matrix.Count, matrix.Select(c => c.Name).Distinct().Count());
        var options = matrix.ToDictionary(c => c.Name, c => c.Options(Shared));
        Assert.Equal((DescriptorKind.Rmac, 128, int8),
            (options["rmac-int8-rp128"].Descriptor.Kind, options["rmac-int8-rp128"].Projection.Dimension, options["rmac-int8-rp128"].Model));
        Assert.Equal((DescriptorKind.Gem, 3.0, 256), (options["gem3-rp256"].Descriptor.Kind, options["gem3-rp256"].Descriptor.GemP, options["gem3-rp256"].Projection.Dimension));
        Assert.Equal([1, 0.707, 1.414], options["gap-ms"].Descriptor.Scales);
        Assert.True(options["gap-flip-int8"].Descriptor.Flip);
        Assert.Equal(new EmbeddingOptions().Model, options["gap"].Model);
        Assert.Equal(15, StandardConfigurations.Matrix().Count);
    }
}
