using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.Embedding.Tests;

public sealed class ImageEmbedderTests(EmbedderFixture fixture)
{
    [Fact]
    public void ReportsTheModelInUse()
    {
        Assert.Equal(new EmbeddingModelInfo("resnet18", 512, ExecutionProvider.Cpu), fixture.Embedder.Model);
    }

    [Fact]
    public async Task BatchOf32GivesTheSameVectorsAs32SingleRuns()
    {
        var files = SharedData.ImageNet100Files.Take(32).ToList();
        var ct = TestContext.Current.CancellationToken;

        var batch = await fixture.Embedder.EmbedFilesAsync(files, ct);
        var maxDiff = 0f;
        for (var i = 0; i < files.Count; i++)
        {
            var single = (await fixture.Embedder.EmbedFilesAsync([files[i]], ct)).Single();
            for (var d = 0; d < single.Vector!.Length; d++)
                maxDiff = Math.Max(maxDiff, Math.Abs(single.Vector[d] - batch[i].Vector![d]));
        }

        Assert.Equal(32, batch.Count(r => r.Succeeded));
        Assert.True(maxDiff <= 1e-4f, $"max abs diff {maxDiff}");
    }

    [Fact]
    public async Task EveryVectorHasNormOne()
    {
        var files = SharedData.ImageNet100Files.Skip(32).Take(40).ToList();

        var results = await fixture.Embedder.EmbedFilesAsync(files, TestContext.Current.CancellationToken);

        Assert.All(results, r =>
        {
            Assert.Equal(512, r.Vector!.Length);
            Assert.Equal(1.0, Math.Sqrt(r.Vector.Sum(v => (double)v * v)), 1e-5);
        });
        // Different photos give clearly different vectors (a constant output would also have norm 1).
        Assert.True(Similarity.Dot(results[0].Vector!, results[1].Vector!) < 0.95f);
    }

    [Fact]
    public async Task EncodedBytesGiveTheSameVectorsAsFiles()
    {
        var files = SharedData.ImageNet100Files.Take(3).ToList();
        var ct = TestContext.Current.CancellationToken;

        var fromFiles = await fixture.Embedder.EmbedFilesAsync(files, ct);
        var bytes = files.Select(f => (ReadOnlyMemory<byte>)File.ReadAllBytes(f)).ToList();
        var fromBytes = await fixture.Embedder.EmbedEncodedAsync(bytes, ct);

        for (var i = 0; i < files.Count; i++)
            Assert.Equal(fromFiles[i].Vector!, fromBytes[i].Vector!);
    }

    [Fact]
    public async Task TheCpuPathTimesPreparationAndInferenceOfEachChunk()
    {
        // An embedder of its own: the shared one's times add up whatever the tests beside this one embed.
        using var embedder = new ImageEmbedder(fixture.Options, fixture.Decoder, NullLogger<ImageEmbedder>.Instance);
        var files = SharedData.ImageNet100Files.Take(5).Append(Path.Combine(fixture.Scratch, "missing.jpg")).ToList();

        await embedder.EmbedFilesAsync(files, TestContext.Current.CancellationToken);

        var stages = embedder.Times.Snapshot().Where(s => s.Images > 0).ToDictionary(s => s.Stage, s => (s.Images, s.Time));
        Assert.Equal(2, stages.Count); // no GPU stage ran
        var (prepared, preparing) = stages.Single(s => s.Key.StartsWith("read + decode + preprocess")).Value;
        var (inferred, inferring) = stages.Single(s => s.Key.StartsWith("inference")).Value;
        Assert.Equal((6L, 5L), (prepared, inferred)); // every image is prepared, only the good ones reach the model
        Assert.True(preparing > TimeSpan.Zero && inferring > TimeSpan.Zero);
        embedder.Times.Reset();
        Assert.All(embedder.Times.Snapshot(), s => Assert.Equal((0L, TimeSpan.Zero), (s.Images, s.Time)));
    }

    [Fact]
    public async Task EmptyListGivesNoResults()
    {
        Assert.Empty(await fixture.Embedder.EmbedFilesAsync([], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CancellationStopsTheCall()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Embedder.EmbedFilesAsync(SharedData.ImageNet100Files, cancelled.Token));
    }

    /// <summary>
    /// A resized, cropped and re-encoded copy of each photo must find its original as nearest neighbour among the 100
    /// originals (exact search by dot product, the vectors being unit length).
    /// </summary>
    [Fact]
    public async Task ResizedAndCroppedCopiesFindTheirOriginals()
    {
        var files = SharedData.ImageNet100Files;
        var ct = TestContext.Current.CancellationToken;
        var copies = files.Select(f => (ReadOnlyMemory<byte>)TestImages.ResizedCroppedCopy(File.ReadAllBytes(f))).ToList();

        var found = Similarity.OriginalsFound(
            await fixture.Embedder.EmbedFilesAsync(files, ct), await fixture.Embedder.EmbedEncodedAsync(copies, ct));

        Assert.True(found >= 95, $"{found} of {files.Count} copies found their original");
    }
}
