using ImageSearch.Embedding;
using ImageSearch.TestSupport;
using OpenCvSharp;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>
/// The images the GPU decode path must leave to the CPU (PNG, progressive, grayscale and EXIF-rotated JPEGs), made from
/// shared photos and embedded by both paths: the GPU path's vectors for them must equal the CPU path's.
/// </summary>
internal static class FallbackCheck
{
    public static async Task<(int Images, float MinCosine)> RunAsync(BenchmarkArguments arguments, IReadOnlyList<string> photos, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("imagesearch-gpu-fallback-").FullName;
        try
        {
            var files = new List<string>();
            foreach (var (photo, i) in photos.Take(8).Select((p, i) => (p, i)))
            {
                using var image = Cv2.ImRead(photo, ImreadModes.Color);
                using var gray = image.CvtColor(ColorConversionCodes.BGR2GRAY);
                Cv2.ImEncode(".jpg", image, out var baseline);
                files.Add(Write(folder, $"{i}.png", Encode(image, ".png")));
                files.Add(Write(folder, $"{i}-progressive.jpg", Encode(image, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegProgressive, 1))));
                files.Add(Write(folder, $"{i}-gray.jpg", Encode(gray, ".jpg")));
                files.Add(Write(folder, $"{i}-rotated.jpg", ImageBytes.WithExifOrientation(baseline, (ushort)(i % 7 + 2))));
                files.Add(Write(folder, $"{i}-baseline.jpg", baseline));
            }
            var vectors = new List<float[][]>();
            foreach (var decoder in new[] { DecoderKind.Cpu, DecoderKind.Gpu })
            {
                var options = EmbeddingSetup.Options(arguments, maxBatchSize: 16);
                (options.Value.ExecutionProvider, options.Value.Decoder) = (ExecutionProvider.Cuda, decoder);
                using var embedder = EmbeddingSetup.Embedder(options);
                var results = await embedder.EmbedFilesAsync(files, ct);
                vectors.Add(results.Select((r, k) => r.Vector ?? throw new InvalidOperationException($"{decoder} decode: {files[k]} failed: {r.Error}")).ToArray());
            }
            var cosines = vectors[0].Zip(vectors[1], (a, b) => a.Zip(b, (x, y) => x * y).Sum()).ToList();
            for (var k = 0; k < files.Count; k++)
                if (cosines[k] < 0.99f)
                    Console.WriteLine($"fallback check: {Path.GetFileName(files[k])} cosine {cosines[k]:F4}");
            Console.WriteLine($"fallback check: {files.Count} images, min cosine GPU path vs CPU path {cosines.Min():F4}");
            return (files.Count, cosines.Min());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static byte[] Encode(Mat image, string extension, params ImageEncodingParam[] parameters)
    {
        Cv2.ImEncode(extension, image, out var bytes, parameters);
        return bytes;
    }

    private static string Write(string folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
