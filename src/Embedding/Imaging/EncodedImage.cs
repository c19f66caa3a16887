using System.Buffers;

namespace ImageSearch.Embedding.Imaging;

/// <summary>A file's bytes in a pooled buffer; dispose to hand the buffer back.</summary>
public sealed class EncodedImage(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    /// <summary>A pooled copy of <paramref name="data"/>.</summary>
    public static EncodedImage CopyOf(ReadOnlySpan<byte> data)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(buffer);
        return new EncodedImage(buffer, data.Length);
    }

    public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(EncodedImage))).AsSpan(0, length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } b)
            ArrayPool<byte>.Shared.Return(b);
    }
}
