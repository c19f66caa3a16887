using System.Buffers.Binary;
using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Embedding.Tests;

/// <summary>Every kind of bad input gets its reason code, through the same facade the pipeline uses.</summary>
public sealed class BadImageTests(EmbedderFixture fixture)
{
    private async Task<EmbeddingResult> EmbedFile(string path) =>
        (await fixture.Embedder.EmbedFilesAsync([path], TestContext.Current.CancellationToken)).Single();

    private async Task AssertReason(DeadLetterReason expected, string path)
    {
        var result = await EmbedFile(path);
        Assert.Null(result.Vector);
        Assert.Equal(expected, result.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    [Fact]
    public Task MissingFile() => AssertReason(DeadLetterReason.FileMissing, Path.Combine(fixture.Scratch, "no-such-file.jpg"));

    [Fact]
    public Task EmptyFile() => AssertReason(DeadLetterReason.FileEmpty, fixture.WriteFile("empty.jpg", []));

    [Fact]
    public Task TextNamedJpg() => AssertReason(DeadLetterReason.NotAnImage, fixture.WriteFile("notes.jpg", "just some text, not a photo"u8));

    [Fact]
    public Task TruncatedJpeg()
    {
        var jpeg = TestImages.Jpeg(400, 300);
        return AssertReason(DeadLetterReason.Corrupt, fixture.WriteFile("truncated.jpg", jpeg.AsSpan(0, jpeg.Length * 2 / 3)));
    }

    [Fact]
    public Task CorruptPng()
    {
        var png = TestImages.Encode(TestImages.Pattern(200, 150), ".png");
        // Scramble the compressed pixel data after the header chunk; the size stays readable.
        new Random(7).NextBytes(png.AsSpan(60, png.Length - 80));
        return AssertReason(DeadLetterReason.Corrupt, fixture.WriteFile("corrupt.png", png));
    }

    [Fact]
    public Task TooManyPixelsIsJudgedFromTheHeader()
    {
        // A small PNG whose header claims 20000×20000: rejected before any decoder allocates 1.2 GB.
        var png = TestImages.Encode(TestImages.Pattern(64, 64), ".png");
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 20_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 20_000);
        return AssertReason(DeadLetterReason.TooManyPixels, fixture.WriteFile("huge.png", png));
    }

    [Fact]
    public Task TooManyBytes()
    {
        // A sparse file just over the 64 MiB default: refused from its length, never read.
        var path = Path.Combine(fixture.Scratch, "big.jpg");
        using (var stream = File.Create(path))
            stream.SetLength(fixture.Options.Value.MaxBytes + 1L);
        return AssertReason(DeadLetterReason.TooManyBytes, path);
    }

    [Fact]
    public void TooManyBytesForUploadedBytes()
    {
        var decoder = new ImageDecoder(Options.Create(new EmbeddingOptions { MaxBytes = 1000 }));
        var error = Assert.Throws<ImageRejectedException>(() => decoder.Decode(TestImages.Jpeg(300, 300)));
        Assert.Equal(DeadLetterReason.TooManyBytes, error.Reason);
    }

    [Fact]
    public Task TooSmall() => AssertReason(DeadLetterReason.TooSmall, fixture.WriteFile("icon.png", TestImages.Encode(TestImages.Pattern(16, 16), ".png")));

    [Fact]
    public async Task OutsideAllowedRoots()
    {
        var allowed = Directory.CreateDirectory(Path.Combine(fixture.Scratch, "allowed")).FullName;
        var inside = Path.Combine(allowed, "inside.jpg");
        await File.WriteAllBytesAsync(inside, TestImages.Jpeg(64, 64), TestContext.Current.CancellationToken);
        var outside = fixture.WriteFile("outside.jpg", TestImages.Jpeg(64, 64));
        var link = Path.Combine(allowed, "link.jpg");
        File.CreateSymbolicLink(link, outside);
        var folderLink = Path.Combine(allowed, "folder-link");
        Directory.CreateSymbolicLink(folderLink, fixture.Scratch);
        var reader = new ImageFileReader(Options.Create(new EmbeddingOptions { AllowedRoots = [allowed] }));
        var ct = TestContext.Current.CancellationToken;

        using (var ok = await reader.ReadAsync(inside, ct))
            Assert.True(ok.Span.Length > 0);
        using (var backInside = await reader.ReadAsync(Path.Combine(folderLink, "allowed", "inside.jpg"), ct))
            Assert.True(backInside.Span.Length > 0); // a link that leads back under the root is fine
        foreach (var path in new[] { outside, link, Path.Combine(allowed, "..", "outside.jpg"), allowed + "-sibling/x.jpg",
                     Path.Combine(folderLink, "outside.jpg"), Path.Combine(folderLink, "allowed", "..", "outside.jpg") })
        {
            var error = await Assert.ThrowsAsync<ImageRejectedException>(async () => (await reader.ReadAsync(path, ct)).Dispose());
            Assert.Equal(DeadLetterReason.OutsideAllowedRoots, error.Reason);
        }
    }

    [Fact]
    public Task FolderInsteadOfFileIsNotAFile() =>
        AssertReason(DeadLetterReason.NotAFile, Directory.CreateDirectory(Path.Combine(fixture.Scratch, "folder.jpg")).FullName);

    [Fact]
    public async Task OneBadFileDoesNotAffectTheOthers()
    {
        var good1 = fixture.WriteFile("good1.jpg", TestImages.Jpeg(300, 200));
        var good2 = fixture.WriteFile("good2.png", TestImages.Encode(TestImages.Pattern(250, 250), ".png"));
        var ct = TestContext.Current.CancellationToken;

        var alone = await fixture.Embedder.EmbedFilesAsync([good1, good2], ct);
        var mixed = await fixture.Embedder.EmbedFilesAsync(
            [fixture.WriteFile("bad.jpg", "nope"u8), good1, Path.Combine(fixture.Scratch, "missing.png"), good2], ct);

        Assert.Equal(DeadLetterReason.NotAnImage, mixed[0].Reason);
        Assert.Equal(DeadLetterReason.FileMissing, mixed[2].Reason);
        Assert.Equal(alone[0].Vector!, mixed[1].Vector!, new FloatTolerance(1e-5f));
        Assert.Equal(alone[1].Vector!, mixed[3].Vector!, new FloatTolerance(1e-5f));
    }
}
