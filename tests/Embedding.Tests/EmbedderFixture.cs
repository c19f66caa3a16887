using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

[assembly: AssemblyFixture(typeof(ImageSearch.Embedding.Tests.EmbedderFixture))]

namespace ImageSearch.Embedding.Tests;

/// <summary>One real ResNet18 embedder (CPU, default options) shared by every test, plus a scratch folder.</summary>
public sealed class EmbedderFixture : IDisposable
{
    public EmbedderFixture()
    {
        Options = Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions());
        Decoder = new ImageDecoder(Options);
        Embedder = new ImageEmbedder(Options, Decoder, NullLogger<ImageEmbedder>.Instance);
        Directory.CreateDirectory(Scratch);
    }

    public IOptions<EmbeddingOptions> Options { get; }
    public ImageDecoder Decoder { get; }
    public ImageEmbedder Embedder { get; }
    public string Scratch { get; } = Path.Combine(Path.GetTempPath(), "embedder-tests-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Writes <paramref name="bytes"/> to a new file in the scratch folder and returns its path.</summary>
    public string WriteFile(string name, ReadOnlySpan<byte> bytes)
    {
        var path = Path.Combine(Scratch, name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    public void Dispose()
    {
        Embedder.Dispose();
        Directory.Delete(Scratch, recursive: true);
    }
}
