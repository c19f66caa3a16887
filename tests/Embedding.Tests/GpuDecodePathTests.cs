using System.Runtime.InteropServices;
using System.Reflection;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Inference;
using ImageSearch.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Embedding.Tests;

/// <summary>
/// Embedding:Decoder on a machine without a GPU (the CPU path, or a clear refusal), out-of-memory halving at the extractor,
/// and, where a GPU and nvJPEG are present, GPU-path vectors against CPU-path ones.
/// </summary>
public sealed class GpuDecodePathTests(EmbedderFixture fixture)
{
    [Fact]
    public async Task AutoDecodesOnTheCpuWhenTheModelRunsOnTheCpu()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions { Decoder = DecoderKind.Auto });
        using var embedder = new ImageEmbedder(options, new ImageDecoder(options), NullLogger<ImageEmbedder>.Instance);

        var results = await embedder.EmbedFilesAsync(SharedData.ImageNet100Files.Take(4).ToList(), TestContext.Current.CancellationToken);

        Assert.Null(embedder.GpuPath);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
    }

    [Fact]
    public void GpuRefusesToStartWithoutTheGpuPathAndSaysWhy()
    {
        Prerequisite.Require(GpuMissing() is null ? "this machine has a usable GPU path, so it cannot show the refusal" : null);
        var options = Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions { Decoder = DecoderKind.Gpu, ExecutionProvider = ExecutionProvider.Cuda });

        var refusal = Assert.Throws<InvalidOperationException>(() => new ImageEmbedder(options, new ImageDecoder(options), NullLogger<ImageEmbedder>.Instance));

        Assert.Contains("Decoder is Gpu", refusal.Message);
    }

    [Fact]
    public void GpuRefusesADescriptorThatPoolsTheFeatureMapOnAnyMachine()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions
        {
            Decoder = DecoderKind.Gpu, ExecutionProvider = ExecutionProvider.Cuda, Descriptor = { Kind = Descriptors.DescriptorKind.Gem },
        });

        var refusal = Assert.Throws<InvalidOperationException>(() => new ImageEmbedder(options, new ImageDecoder(options), NullLogger<ImageEmbedder>.Instance));

        Assert.Contains("Embedding:Descriptor", refusal.Message);
    }

    [Fact]
    public async Task OutOfMemoryHalvesTheBatchAndNoImageFails()
    {
        var photos = SharedData.ImageNet100Files.Take(10).ToList();
        var options = Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions { MaxBatchSize = 10 });
        using var embedder = new ImageEmbedder(options, new ImageDecoder(options), NullLogger<ImageEmbedder>.Instance);
        var runs = new List<int>();
        embedder.Extractor.BeforeRun = count =>
        {
            lock (runs)
                runs.Add(count);
            if (count > 3)
                throw OrtOutOfMemory();
        };

        var results = await embedder.EmbedFilesAsync(photos, TestContext.Current.CancellationToken);
        var expected = await fixture.Embedder.EmbedFilesAsync(photos, TestContext.Current.CancellationToken);

        Assert.Equal([10, 5, 2, 3, 5, 2, 3], runs);
        Assert.All(results.Zip(expected), pair => Assert.True(Similarity.Dot(pair.First.Vector!, pair.Second.Vector!) > 0.9999f, pair.First.Error));
    }

    [Fact]
    public async Task AnOutOfMemoryOnOneImageThrowsAsTheDevicesFaultSoTheBatchWaitsAndIsRetried()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions { MaxBatchSize = 2 });
        using var embedder = new ImageEmbedder(options, new ImageDecoder(options), NullLogger<ImageEmbedder>.Instance);
        embedder.Extractor.BeforeRun = _ => throw OrtOutOfMemory();

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => embedder.EmbedFilesAsync(SharedData.ImageNet100Files.Take(2).ToList(), TestContext.Current.CancellationToken));

        var outOfMemory = Assert.IsType<GpuOutOfMemoryException>(thrown);
        Assert.True(OutOfMemoryRetry.IsOutOfMemory(outOfMemory.InnerException!));
    }

    [Fact]
    public async Task GpuPathVectorsMatchCpuPathVectors()
    {
        var photos = SharedData.ImageNet100Files;
        using var gpu = GpuEmbedder(maxBatchSize: 64);

        var onGpu = await gpu.EmbedFilesAsync(photos, TestContext.Current.CancellationToken);
        var onCpu = await fixture.Embedder.EmbedFilesAsync(photos, TestContext.Current.CancellationToken);

        Assert.NotNull(gpu.GpuPath);
        var cosines = onGpu.Zip(onCpu, (g, c) => Similarity.Dot(g.Vector!, c.Vector!)).ToList();
        Assert.True(cosines.Average() >= 0.995f, $"mean cosine {cosines.Average():F4}, min {cosines.Min():F4}");
    }

    [Fact]
    public async Task BatchesDecodedAtOnceGetTheVectorsEachGetsAlone()
    {
        var photos = SharedData.ImageNet100Files;
        using var gpu = GpuEmbedder(maxBatchSize: 16);
        var token = TestContext.Current.CancellationToken;
        var chunks = photos.Chunk(16).ToList();

        var alone = new List<EmbeddingResult>();
        foreach (var chunk in chunks)
            alone.AddRange(await gpu.EmbedFilesAsync(chunk, token));
        var atOnce = (await Task.WhenAll(chunks.Select(chunk => Task.Run(() => gpu.EmbedFilesAsync(chunk, token), token)))).SelectMany(r => r).ToList();

        // Every decode lane busy at once: a batch that took another's decoded pixels would land far from its own vector.
        var cosines = atOnce.Zip(alone, (a, b) => Similarity.Dot(a.Vector!, b.Vector!)).ToList();
        Assert.True(cosines.Min() >= 0.999f, $"min cosine {cosines.Min():F4}");
    }

    /// <summary>An embedder on the GPU decode path; skips the test where that path cannot run.</summary>
    private static ImageEmbedder GpuEmbedder(int maxBatchSize)
    {
        Prerequisite.Require(GpuMissing());
        var options = Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions { Decoder = DecoderKind.Gpu, ExecutionProvider = ExecutionProvider.Cuda, MaxBatchSize = maxBatchSize });
        return new ImageEmbedder(options, new ImageDecoder(options), NullLogger<ImageEmbedder>.Instance);
    }

    /// <summary>Why the GPU path cannot run here, or null when it can.</summary>
    private static string? GpuMissing() =>
        !OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider") ? "this build carries the CPU-only ONNX Runtime (build with -p:OnnxRuntimeFlavor=Gpu on a machine with a GPU)"
        : !NativeLibrary.TryLoad("libnvjpeg.so.13", out _) ? "nvJPEG (libnvjpeg.so.13, CUDA 13) is not on the loader path"
        : null;

    /// <summary>The exception ONNX Runtime throws when a CUDA allocation fails (its constructor is internal).</summary>
    private static OnnxRuntimeException OrtOutOfMemory()
    {
        var constructor = typeof(OnnxRuntimeException).GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic)
            .First(c => c.GetParameters().Length == 2);
        var code = Enum.ToObject(constructor.GetParameters()[0].ParameterType, 6); // ORT_RUNTIME_EXCEPTION
        return (OnnxRuntimeException)constructor.Invoke([code, "CUDA failure 2: out of memory ; GPU=0 ; expr=cudaMalloc(&p, size);"]);
    }
}
