using System.Buffers;
using ImageSearch.Contracts;
using Microsoft.Extensions.Options;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// Reads an image file into a pooled buffer: checks the allowed roots (<see cref="AllowedPaths"/>) and the byte limit
/// before reading, and retries I/O errors that may be transient (network file systems, files still being written).
/// </summary>
public sealed class ImageFileReader(IOptions<EmbeddingOptions> options)
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];

    private readonly EmbeddingOptions _options = options.Value;
    private readonly AllowedPaths _allowed = new(options);

    /// <summary>Reads the file that <paramref name="path"/> really leads to (symbolic links resolved).</summary>
    /// <exception cref="ImageRejectedException">Missing, empty, too large, unreadable, or outside the allowed roots.</exception>
    public async ValueTask<EncodedImage> ReadAsync(string path, CancellationToken cancellationToken)
    {
        // Open the resolved path, so that what was checked is what is read.
        var file = new FileInfo(_allowed.Resolve(path));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return Read(file);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new ImageRejectedException(DeadLetterReason.FileMissing, $"file not found: {file.FullName}");
            }
            catch (UnauthorizedAccessException e)
            {
                throw new ImageRejectedException(DeadLetterReason.Unreadable, $"no permission to read {file.FullName}: {e.Message}");
            }
            catch (IOException) when (attempt < RetryDelays.Length)
            {
                await Task.Delay(RetryDelays[attempt], cancellationToken);
            }
            catch (IOException e)
            {
                throw new ImageRejectedException(DeadLetterReason.Unreadable, $"cannot read {file.FullName} after {attempt + 1} attempts: {e.Message}");
            }
        }
    }

    private EncodedImage Read(FileInfo file)
    {
        using var handle = File.OpenHandle(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        if (length == 0)
            throw new ImageRejectedException(DeadLetterReason.FileEmpty, $"file is empty: {file.FullName}");
        if (length > _options.MaxBytes)
            throw new ImageRejectedException(DeadLetterReason.TooManyBytes, $"{length:N0} bytes is over the limit of {_options.MaxBytes:N0}: {file.FullName}");
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
}
