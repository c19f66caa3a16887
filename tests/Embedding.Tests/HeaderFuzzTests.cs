using System.Buffers.Binary;
using System.Diagnostics;
using ImageSearch.Embedding.Imaging;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace ImageSearch.Embedding.Tests;

/// <summary>
/// Seeded mutation of real headers, many thousands per format: the header reader and the decoder's entry point may only
/// answer with a size (or an image) or an <see cref="ImageRejectedException"/>. Any other exception fails the test with
/// the input that caused it. Kept to a few seconds per format; the counts are printed in the test output.
/// </summary>
public sealed class HeaderFuzzTests
{
    private const int HeaderInputs = 100_000;
    private const int DecoderInputs = 1_500;
    /// <summary>JPEG gets more: its whole structure and entropy data go through our own validator first.</summary>
    private const int JpegDecoderInputs = 8_000;
    /// <summary>Mutations land in the first bytes, where the headers, tables and segment lengths are.</summary>
    private const int HeaderRegion = 1024;

    // A low pixel limit keeps OpenCV from allocating for sizes a mutation invents; the checks are the same.
    private readonly ImageDecoder _decoder = new(Options.Create(new EmbeddingOptions { MaxPixels = 1_000_000, MinSide = 1 }));

    public static TheoryData<string> Formats() => [".jpg", ".png", ".gif", ".webp", ".bmp", ".tiff"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void MutatedHeadersGiveASizeOrATypedRejection(string extension) =>
        Fuzz(extension, "header reader", HeaderInputs, salt: 20240601, anywhere: _ => false, input => ImageHeaderReader.Read(input));

    [Theory]
    [MemberData(nameof(Formats))]
    public void MutatedFilesDecodeOrGetATypedRejection(string extension) =>
        // Half the edits in the header region, half anywhere (scan data, strips, chunks).
        Fuzz(extension, "decoder", extension == ".jpg" ? JpegDecoderInputs : DecoderInputs, salt: 7, anywhere: i => i % 2 == 1, input =>
        {
            using var image = _decoder.Decode(input, minimumSide: input.Length % 3 == 0 ? 16 : 0);
            Assert.Equal(MatType.CV_8UC3, image.Type());
        });

    private static void Fuzz(string extension, string target, int inputs, int salt, Func<int, bool> anywhere, Action<byte[]> attempt)
    {
        var random = new Random(extension.GetHashCode(StringComparison.Ordinal) ^ salt);
        var seeds = Seeds(extension);
        var clock = Stopwatch.StartNew();
        var rejected = 0;
        for (var i = 0; i < inputs; i++)
        {
            var input = Mutate(seeds[i % seeds.Length], random, anywhere(i));
            var started = clock.Elapsed;
            try
            {
                attempt(input);
            }
            catch (ImageRejectedException)
            {
                rejected++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"input {i} ({Describe(input)}) threw {e}");
            }
            // A small input that holds a decoder this long is a denial of service, as the 2 GB PNG chunk was.
            var took = clock.Elapsed - started;
            Assert.True(took < TimeSpan.FromSeconds(5), $"input {i} ({Describe(input)}) took {took}");
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{extension} {target}: {inputs:N0} inputs, {inputs - rejected:N0} accepted, {rejected:N0} rejected, 0 untyped, {clock.ElapsedMilliseconds:N0} ms");
    }

    private static string Describe(byte[] input) => Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length))) + "...";

    /// <summary>Small real files of the format, in the variants its encoder makes.</summary>
    private static byte[][] Seeds(string extension)
    {
        using var image = TestImages.Pattern(48, 40);
        using var gray = image.CvtColor(ColorConversionCodes.BGR2GRAY);
        ImageEncodingParam[][] variants = extension switch
        {
            ".jpg" => [[], [new(ImwriteFlags.JpegProgressive, 1)], [new(ImwriteFlags.JpegRstInterval, 2)], [new(ImwriteFlags.JpegOptimize, 1)]],
            ".webp" => [[], [new(ImwriteFlags.WebPQuality, 101)]],
            ".png" => [[], [new(ImwriteFlags.PngCompression, 0)]],
            _ => [[]],
        };
        // OpenCV's GIF encoder takes colour images only.
        return [.. variants.Select(v => TestImages.Encode(image, extension, v)), .. extension == ".gif" ? [] : new[] { TestImages.Encode(gray, extension) }];
    }

    private static readonly uint[] Interesting = [0, 1, 2, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    /// <summary>One to four edits: a random byte, an interesting 8/16/32-bit value in either byte order, a truncation, a repeated or removed run.</summary>
    private static byte[] Mutate(byte[] seed, Random random, bool anywhere)
    {
        var data = seed.ToList();
        for (var edits = random.Next(1, 5); edits > 0 && data.Count > 0; edits--)
        {
            var region = anywhere ? data.Count : Math.Min(HeaderRegion, data.Count);
            var at = random.Next(region);
            switch (random.Next(7))
            {
                case 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 1:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2 or 3:
                    var value = Interesting[random.Next(Interesting.Length)];
                    var bytes = new byte[4];
                    if (random.Next(2) == 0) BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
                    else BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
                    var width = random.Next(3) switch { 0 => 1, 1 => 2, _ => 4 };
                    var from = random.Next(2) == 0 ? 4 - width : 0; // the low bytes of either order
                    for (var k = 0; k < width && at + k < data.Count; k++)
                        data[at + k] = bytes[from + k];
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 5:
                    var run = data.GetRange(at, Math.Min(random.Next(1, 64), data.Count - at));
                    data.InsertRange(at, run);
                    break;
                default:
                    data.RemoveRange(at, Math.Min(random.Next(1, 64), data.Count - at));
                    break;
            }
        }
        return [.. data];
    }
}
