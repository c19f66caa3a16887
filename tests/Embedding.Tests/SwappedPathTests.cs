using ImageSearch.Contracts;
using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Embedding.Tests;

/// <summary>
/// A path is checked against the allowed roots, then opened: whatever is swapped in between (a file for a link, a folder
/// for a link to a folder outside) must not lead the reader outside. The checked path is handed to the open step by hand
/// here, with the swap done in between, as an attacker racing the reader would.
/// </summary>
public sealed class SwappedPathTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("swapped-paths-").FullName;
    private readonly string _root;
    private readonly string _outside;
    private readonly AllowedPaths _allowed;
    private readonly ImageFileReader _reader;

    public SwappedPathTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_scratch, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_scratch, "outside")).FullName;
        File.WriteAllBytes(Path.Combine(_outside, "secret.jpg"), TestImages.Jpeg(64, 64));
        var options = Options.Create(new EmbeddingOptions { AllowedRoots = [_root] });
        _allowed = new AllowedPaths(options);
        _reader = new ImageFileReader(options);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FileSwappedForALinkAfterTheCheckIsNotFollowed()
    {
        var path = Path.Combine(_root, "photo.jpg");
        await File.WriteAllBytesAsync(path, TestImages.Jpeg(64, 64), Ct);
        var checkedPath = _allowed.Resolve(path);

        File.Delete(path);
        File.CreateSymbolicLink(path, Path.Combine(_outside, "secret.jpg"));

        // The open refuses the link (O_NOFOLLOW); the reader then resolves again and sees where it leads now.
        var refused = Assert.Throws<IOException>(() => _reader.ReadResolved(checkedPath, Ct).Dispose());
        Assert.Contains("symbolic link", refused.Message);
        var error = await Assert.ThrowsAsync<ImageRejectedException>(async () => (await _reader.ReadAsync(path, Ct)).Dispose());
        Assert.Equal(DeadLetterReason.OutsideAllowedRoots, error.Reason);
    }

    [Fact]
    public void FolderSwappedForALinkAfterTheCheckIsCaughtThroughTheHandle()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "album")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "secret.jpg"), TestImages.Jpeg(64, 64));
        var checkedPath = _allowed.Resolve(Path.Combine(folder, "secret.jpg"));

        Directory.Delete(folder, recursive: true);
        Directory.CreateSymbolicLink(folder, _outside); // album/secret.jpg is now outside/secret.jpg

        var error = Assert.Throws<ImageRejectedException>(() => _reader.ReadResolved(checkedPath, Ct).Dispose());
        Assert.Equal(DeadLetterReason.OutsideAllowedRoots, error.Reason);
        Assert.Contains(_outside, error.Message);
    }

    [Fact]
    public void UnchangedPathIsRead()
    {
        var path = Path.Combine(_root, "fine.jpg");
        var jpeg = TestImages.Jpeg(64, 64);
        File.WriteAllBytes(path, jpeg);

        using var image = _reader.ReadResolved(_allowed.Resolve(path), Ct);

        Assert.Equal(jpeg, image.Span.ToArray());
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
