using ImageSearch.Embedding.PostProcessing;

namespace ImageSearch.Embedding.Tests;

public sealed class ProjectionTests(EmbedderFixture fixture)
{
    private async Task<float[][]> Vectors(int count) =>
        (await fixture.Embedder.EmbedFilesAsync(SharedData.ImageNet100Files.Take(count).ToList(), TestContext.Current.CancellationToken))
        .Select(r => r.Vector!).ToArray();

    [Theory]
    [InlineData(ProjectionKind.Gaussian, "+rp128s42")]
    [InlineData(ProjectionKind.Sign, "+rps128s42")]
    public async Task SameSeedGivesTheSameVectorsAndAnotherSeedDifferentOnes(ProjectionKind kind, string suffix)
    {
        var vectors = await Vectors(4);
        var a = new VectorPostProcessor(512, new ProjectionOptions { Dimension = 128, Seed = 42, Kind = kind });
        var b = new VectorPostProcessor(512, new ProjectionOptions { Dimension = 128, Seed = 42, Kind = kind });
        var other = new VectorPostProcessor(512, new ProjectionOptions { Dimension = 128, Seed = 43, Kind = kind });

        Assert.Equal(suffix, a.IdSuffix);
        Assert.Equal(128, a.Dimension);
        foreach (var v in vectors)
        {
            var projected = a.Process(v);
            Assert.Equal(projected, b.Process(v));
            Assert.NotEqual(projected, other.Process(v));
            Assert.Equal(1.0, Math.Sqrt(projected.Sum(x => (double)x * x)), 1e-5);
        }
    }

    [Fact]
    public async Task ProjectionRoughlyKeepsSimilarities()
    {
        var vectors = await Vectors(30);
        var projection = new VectorPostProcessor(512, new ProjectionOptions { Dimension = 256, Seed = 1 });
        var projected = vectors.Select(v => projection.Process(v)).ToArray();

        var worst = 0f;
        for (var i = 0; i < vectors.Length; i++)
            for (var j = i + 1; j < vectors.Length; j++)
                worst = Math.Max(worst, Math.Abs(Similarity.Dot(vectors[i], vectors[j]) - Similarity.Dot(projected[i], projected[j])));

        // Johnson–Lindenstrauss: at 256 dimensions cosines move by about 1/sqrt(256) ≈ 0.06, rarely much more.
        Assert.True(worst < 0.25f, $"largest change of a cosine similarity: {worst}");
    }

    [Fact]
    public void KnownSeedGivesAStableMatrix()
    {
        // Ingest and query may run years apart on other machines: the first values of seed 42 are pinned.
        var unit = new float[512];
        unit[0] = 1;
        var projection = new VectorPostProcessor(512, new ProjectionOptions { Dimension = 8, Seed = 42, Kind = ProjectionKind.Sign });

        var column = projection.Process(unit); // the matrix's first column, normalised: ±1/sqrt(8) each

        Assert.All(column, v => Assert.Equal(1 / MathF.Sqrt(8), Math.Abs(v), 1e-6f));
        // Signs of draws 0, 512, …, 3584 of SplitMix64 seeded with 42 (computed independently from the published
        // algorithm); a change here means stored projected vectors no longer match new queries.
        Assert.Equal([false, false, false, false, false, true, false, false], column.Select(v => v > 0).ToArray());
    }
}
