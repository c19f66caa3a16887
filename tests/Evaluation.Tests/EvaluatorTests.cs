using ImageSearch.Evaluation.Configurations;
using ImageSearch.Evaluation.NearDuplicates;
using ImageSearch.Evaluation.Protocols;
using ImageSearch.Evaluation.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.Evaluation.Tests;

/// <summary>One small evaluation with the real model on a handful of the shared photos.</summary>
public sealed class EvaluatorTests
{
    [Fact]
    public async Task NearDuplicatesOfSharedPhotosFindTheirOriginalsAtFullAndProjectedDimension()
    {
        SharedData.Require();
        var originals = SharedData.ImageNet100Files.Take(6).ToList();
        var distractors = Directory.EnumerateFiles(SharedData.ImageNet1k).Order(StringComparer.Ordinal).Take(10).ToList();
        using var folder = new TempFolder();
        var copies = NearDuplicateGenerator.Generate(originals, folder.Path, copies: 9, seed: 3, [ImageEdit.Flip, ImageEdit.Jpeg20, ImageEdit.Border], TestContext.Current.CancellationToken);
        var set = NearDuplicateProtocol.Create(originals, distractors, copies);
        var settings = new ConfigurationBuilder().AddInMemoryCollection([new("Embedding:MaxBatchSize", "8")]).Build();
        var configurations = new[] { new EvaluationConfiguration("gap", []), EvaluationConfiguration.Parse("gap-rp128;Embedding:Projection:Dimension=128") };

        var rows = await new Evaluator(settings, NullLoggerFactory.Instance).RunAsync(configurations, [set], k: 10, TestContext.Current.CancellationToken);

        var totals = rows.Where(r => r.Group == SetScorer.All).ToList();
        Assert.Equal([("gap", "resnet18", 512), ("gap-rp128", "resnet18+rp128s42", 128)], totals.Select(r => (r.Configuration, r.ModelId, r.Dimension)));
        Assert.All(totals, r => Assert.Equal((9, 0, 0, 0), (r.Metrics.Queries, r.Metrics.WithoutRelevant, r.FailedQueries, r.FailedGallery)));
        // Flipped, re-compressed and framed copies of 6 photos among 16: each finds its original first.
        Assert.Equal(1.0, totals[0].Metrics.RecallAt1);
        Assert.True(totals[1].Metrics.RecallAt1 >= 8 / 9.0, $"projected recall@1 {totals[1].Metrics.RecallAt1}");
        Assert.Equal(["Flip", "Jpeg20", "Border"], rows.Where(r => r.Configuration == "gap" && r.Group != SetScorer.All).Select(r => r.Group));
    }
}
