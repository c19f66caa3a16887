using ImageSearch.Embedding.Imaging;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>
/// Damaged input of every format must end as a decoded image or an <see cref="ImageRejectedException"/>: no other exception,
/// and no native crash (which would take the whole test process down).
/// </summary>
public sealed class DecoderFuzzTests(EmbedderFixture fixture)
{
    private static readonly string[] Extensions = [".jpg", ".png", ".bmp", ".gif", ".webp", ".tiff"];

    private int _decoded, _rejected;

    private void Attempt(ReadOnlySpan<byte> data)
    {
        try
        {
            using var image = fixture.Decoder.Decode(data, minimumSide: data.Length % 2 == 0 ? 0 : 64);
            Assert.Equal(MatType.CV_8UC3, image.Type());
            Assert.False(image.Empty());
            _decoded++;
        }
        catch (ImageRejectedException)
        {
            _rejected++;
        }
    }

    [Fact]
    public void TruncationsAtManyOffsets()
    {
        foreach (var extension in Extensions)
        {
            var bytes = TestImages.Encode(TestImages.Pattern(160, 120), extension);
            for (var length = 0; length < bytes.Length; length += Math.Max(1, bytes.Length / 60))
                Attempt(bytes.AsSpan(0, length));
            for (var cut = 1; cut <= 16; cut++) // the last bytes, one at a time
                Attempt(bytes.AsSpan(0, bytes.Length - cut));
        }
        Assert.True(_rejected > 300, $"expected most truncations to be rejected, {_rejected} were");
    }

    [Fact]
    public void FlippedBytes()
    {
        var random = new Random(12345);
        foreach (var extension in Extensions)
        {
            var original = TestImages.Encode(TestImages.Pattern(96, 96), extension);
            for (var round = 0; round < 40; round++)
            {
                var damaged = (byte[])original.Clone();
                for (var flips = random.Next(1, 12); flips > 0; flips--)
                    damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
                Attempt(damaged);
            }
        }
        Assert.Equal(6 * 40, _decoded + _rejected);
    }

    [Fact]
    public void RandomBytesBehindEachMagic()
    {
        var random = new Random(99);
        byte[][] magics =
        [
            [0xFF, 0xD8, 0xFF], [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], "BM"u8.ToArray(), "GIF89a"u8.ToArray(),
            "RIFF\0\0\0\0WEBPVP8 "u8.ToArray(), "II*\0"u8.ToArray(), "MM\0*"u8.ToArray(), [],
        ];
        foreach (var magic in magics)
            for (var round = 0; round < 30; round++)
            {
                var data = new byte[magic.Length + random.Next(0, 4000)];
                random.NextBytes(data);
                magic.CopyTo(data, 0);
                Attempt(data);
            }
        Assert.True(_rejected >= 8 * 30 - 5, $"random bytes should almost never decode; {_decoded} did");
    }
}
