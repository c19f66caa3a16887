using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Model;
using Microsoft.Extensions.Options;

namespace ImageSearch.Embedding.Quantization;

/// <summary>
/// The images activation ranges are measured on: up to a given number of image files from a folder (sorted by path and
/// spread evenly over it, so the same folder always gives the same set), decoded and preprocessed exactly as embedding
/// does. Any file that does not decode stops calibration with its name and reason: a silently smaller set would change
/// the model without saying so.
/// </summary>
public static class CalibrationImages
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff" };

    /// <exception cref="InvalidDataException">The folder is missing or holds no image files.</exception>
    public static IReadOnlyList<string> Select(string folder, int count)
    {
        if (!Directory.Exists(folder))
            throw new InvalidDataException($"calibration folder not found: {folder}");
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
            throw new InvalidDataException($"calibration folder {folder} holds no image files ({string.Join(", ", Extensions.Order())})");
        if (files.Count <= count)
            return files;
        return Enumerable.Range(0, count).Select(i => files[(int)((long)i * files.Count / count)]).ToList();
    }

    /// <returns>The images' model input tensors, one after another (images × 3 × height × width).</returns>
    /// <exception cref="InvalidDataException">A file could not be read or decoded.</exception>
    public static float[] Preprocess(IReadOnlyList<string> files, ModelDescriptor model)
    {
        var options = Options.Create(new EmbeddingOptions());
        var decoder = new ImageDecoder(options);
        using var preprocessor = new ImagePreprocessor(model);
        var length = preprocessor.TensorLength;
        var tensors = new float[files.Count * length];
        for (var i = 0; i < files.Count; i++)
        {
            try
            {
                using var image = decoder.Decode(File.ReadAllBytes(files[i]), preprocessor.MinimumSourceSide);
                preprocessor.Write(image, tensors.AsSpan(i * length, length));
            }
            catch (Exception e) when (e is ImageRejectedException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidDataException($"calibration image {files[i]} could not be used: {e.Message}", e);
            }
        }
        return tensors;
    }
}
