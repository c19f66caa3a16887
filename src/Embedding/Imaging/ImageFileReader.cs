using System.Buffers;
using ImageSearch.Contracts;
using Microsoft.Extensions.Options;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// Reads an image file into a pooled buffer. The path is resolved and checked against the allowed roots
/// (<see cref="AllowedPaths"/>); the resolved path is opened without following a final link and without blocking
/// (<see cref="RegularFile"/>); what was opened is checked again through the handle, so a link swapped in between cannot
/// lead outside; only regular files are read, within the byte limit and <see cref="EmbeddingOptions.ReadTimeout"/>
/// (<see cref="ReadDeadline"/>). I/O errors that may be transient (network file systems, files still being written) are
/// retried.
/// </summary>
public sealed class ImageFileReader(IOptions<EmbeddingOptions> options)
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];

    /// <summary>Bytes per read call: an abandoned read notices that it was given up between chunks.</summary>
    private const int Chunk = 1 << 20;

    private readonly EmbeddingOptions _options = options.Value;
    private readonly AllowedPaths _allowed = new(options);
    private readonly ReadDeadline _deadline = new(options.Value.ReadTimeout);

    /// <summary>Reads the file that <paramref name="path"/> really leads to (symbolic links resolved).</summary>
    /// <exception cref="ImageRejectedException">
    /// Missing, empty, too large, not a regular file, unreadable, timed out (<see cref="ImageRejectedException.IsSourceTimeout"/>),
    /// or outside the allowed roots.
    /// </exception>
    /// <exception cref="IOException">The process ran out of file descriptors or memory: not the file's fault, retry later.</exception>
    public async ValueTask<EncodedImage> ReadAsync(string path, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Resolving walks the path with lstat, which a dead mount can stall as much as a read: all of it is timed.
                return await _deadline.RunAsync(giveUp => ReadResolved(_allowed.Resolve(path), giveUp), path, cancellationToken);
            }
            catch (UnauthorizedAccessException e) // a folder on the way that may not be searched
            {
                throw new ImageRejectedException(DeadLetterReason.Unreadable, $"no permission to reach {path}: {e.Message}");
            }
            catch (IOException) when (attempt < RetryDelays.Length)
            {
                await Task.Delay(RetryDelays[attempt], cancellationToken);
            }
            catch (IOException e) when (!RegularFile.IsProcessLimit(e))
            {
                throw new ImageRejectedException(DeadLetterReason.Unreadable, $"cannot read {path} after {attempt + 1} attempts: {e.Message}");
            }
        }
    }

    /// <summary>Opens <paramref name="real"/>, a path <see cref="AllowedPaths.Resolve"/> returned, and reads it all.</summary>
    internal EncodedImage ReadResolved(string real, CancellationToken giveUp)
    {
        using var file = RegularFile.Open(real);
        if (!_allowed.AllowsAnyPath)
        {
            var opened = file.OpenedPath ?? throw new ImageRejectedException(DeadLetterReason.Unreadable,
                $"cannot tell where the opened {real} lies (is /proc mounted?), so it cannot be checked against the allowed roots");
            if (!_allowed.ContainsResolved(opened))
                throw new ImageRejectedException(DeadLetterReason.OutsideAllowedRoots, $"{real} was changed while being opened and now leads to {opened}, outside the allowed roots");
        }
        if (file.Length == 0)
            throw new ImageRejectedException(DeadLetterReason.FileEmpty, $"file is empty: {real}");
        if (file.Length > _options.MaxBytes)
            throw new ImageRejectedException(DeadLetterReason.TooManyBytes, $"{file.Length:N0} bytes is over the limit of {_options.MaxBytes:N0}: {real}");
        using var stream = new FileStream(file.Handle, FileAccess.Read, bufferSize: 0);
        return ReadContents(stream, (int)file.Length, giveUp);
    }

    /// <summary>Reads up to <paramref name="length"/> bytes (fewer if the file shrank), stopping between chunks once given up.</summary>
    internal static EncodedImage ReadContents(Stream file, int length, CancellationToken giveUp)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = 0;
            while (read < length)
            {
                giveUp.ThrowIfCancellationRequested();
                var n = file.Read(buffer.AsSpan(read, Math.Min(Chunk, length - read)));
                if (n == 0)
                    break;
                read += n;
            }
            return new EncodedImage(buffer, read);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
