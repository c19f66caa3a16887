using ImageSearch.Embedding;
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
    public void TheStandardMatrixProjectsEachDescriptorTo256And128()
    {
        var all = StandardConfigurations.All;

        Assert.Equal(["gap", "gap-rp256", "gap-rp128"], all.Select(c => c.Name));
        Assert.Equal([0, 256, 128], all.Select(c => c.Options(Shared).Projection.Dimension));
    }
}
