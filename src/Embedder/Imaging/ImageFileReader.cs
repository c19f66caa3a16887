using System.Buffers;
using ImageSearch.Contracts;
using Microsoft.Extensions.Options;

namespace ImageSearch.Embedder.Imaging;

/// <summary>
/// Reads an image file into a pooled buffer: checks the allowed roots and the byte limit before reading, and retries
/// I/O errors that may be transient (network file systems, files still being written).
/// </summary>
internal sealed class ImageFileReader(IOptions<EmbeddingOptions> options)
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];

    private readonly EmbeddingOptions _options = options.Value;
    private readonly string[] _roots = options.Value.AllowedRoots.Select(AsFolder).ToArray();

    /// <exception cref="ImageDecodeException">Missing, empty, too large, unreadable, or outside the allowed roots.</exception>
    public async ValueTask<EncodedImage> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(Path.GetFullPath(path));
        CheckAllowed(file);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return Read(file);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new ImageDecodeException(DeadLetterReason.FileMissing, $"file not found: {file.FullName}");
            }
            catch (UnauthorizedAccessException e)
            {
                throw new ImageDecodeException(DeadLetterReason.Unreadable, $"no permission to read {file.FullName}: {e.Message}");
            }
            catch (IOException) when (attempt < RetryDelays.Length)
            {
                await Task.Delay(RetryDelays[attempt], cancellationToken);
            }
            catch (IOException e)
            {
                throw new ImageDecodeException(DeadLetterReason.Unreadable, $"cannot read {file.FullName} after {attempt + 1} attempts: {e.Message}");
            }
        }
    }

    private EncodedImage Read(FileInfo file)
    {
        using var handle = File.OpenHandle(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        if (length == 0)
            throw new ImageDecodeException(DeadLetterReason.FileEmpty, $"file is empty: {file.FullName}");
        if (length > _options.MaxBytes)
            throw new ImageDecodeException(DeadLetterReason.TooManyBytes, $"{length:N0} bytes is over the limit of {_options.MaxBytes:N0}: {file.FullName}");
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var read = 0;
            while (read < length && RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read) is var n and > 0)
                read += n;
            return new EncodedImage(buffer, read);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private void CheckAllowed(FileInfo file)
    {
        if (_roots.Length == 0)
            return;
        // A link inside an allowed root may point anywhere: judge where it leads, not where it sits.
        var target = file.Exists && file.LinkTarget is not null ? file.ResolveLinkTarget(returnFinalTarget: true)?.FullName : null;
        foreach (var candidate in target is null ? [file.FullName] : new[] { file.FullName, target })
            if (!_roots.Any(root => candidate.StartsWith(root, StringComparison.Ordinal)))
                throw new ImageDecodeException(DeadLetterReason.OutsideAllowedRoots, $"{candidate} is outside the allowed roots");
    }

    private static string AsFolder(string root) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
}
