using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.PostProcessing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ImageSearch.Embedding.Tests;

/// <summary>Configuration through <c>AddEmbedding</c>: binding, validation at start, and a projected model end to end.</summary>
public sealed class AddEmbeddingTests(EmbedderFixture fixture)
{
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddEmbedding();
        return builder.Build();
    }

    [Fact]
    public async Task ConfiguredProjectionAndAllowedRootsApplyThroughTheFacade()
    {
        var ct = TestContext.Current.CancellationToken;
        var photos = SharedData.ImageNet100;
        using var host = Build(new()
        {
            ["Embedding:Projection:Dimension"] = "128",
            ["Embedding:Projection:Seed"] = "7",
            ["Embedding:AllowedRoots:0"] = photos,
            ["Embedding:MaxBatchSize"] = "4",
        });
        await host.StartAsync(ct);
        var embedder = host.Services.GetRequiredService<ImageEmbedder>();
        Assert.Same(host.Services.GetRequiredService<ImageDecoder>(), host.Services.GetRequiredService<ImageDecoder>());

        var files = SharedData.ImageNet100Files.Take(6).ToList();
        var outside = fixture.WriteFile("outside-root.jpg", File.ReadAllBytes(files[0]));
        var results = await embedder.EmbedFilesAsync([.. files, outside], ct);

        Assert.Equal(new EmbeddingModelInfo("resnet18+rp128s7", 128, ExecutionProvider.Cpu), embedder.Model);
        Assert.Equal(DeadLetterReason.OutsideAllowedRoots, results[^1].Reason);
        // Same vectors as projecting the default embedder's output with a fresh matrix from the same seed.
        var unprojected = await fixture.Embedder.EmbedFilesAsync(files, ct);
        var projection = new VectorPostProcessor(512, new ProjectionOptions { Dimension = 128, Seed = 7 });
        for (var i = 0; i < files.Count; i++)
            Assert.Equal(projection.Process(unprojected[i].Vector!), results[i].Vector!, new FloatTolerance(1e-5f));
        await host.StopAsync(ct);
    }

    [Theory]
    [InlineData("Embedding:MaxBatchSize", "0", "MaxBatchSize")]
    [InlineData("Embedding:Projection:Dimension", "-1", "Projection:Dimension")]
    [InlineData("Embedding:ObjectCrop:Margin", "1.5", "ObjectCrop:Margin")]
    [InlineData("Embedding:ObjectCrop:Detector", "/nowhere/yolov8n.onnx", "detector model not found")]
    [InlineData("Embedding:ObjectCrop:InputSize", "500", "multiple of 32")]
    [InlineData("Embedding:Model", "/nowhere/model.json", "model descriptor not found")]
    [InlineData("Embedding:MinSide", "0", "MinSide")]
    public async Task InvalidSettingsStopTheHostAtStart(string key, string value, string expected)
    {
        using var host = Build(new() { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, error.Message);
    }
}
