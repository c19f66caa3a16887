using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Quantization;

namespace ImageSearch.Benchmarks.Embedding;

/// <summary>
/// The int8 model the benchmarks set beside float32: what <c>ingestor quantize</c> makes from the 100 imagenet-100 photos
/// (min/max calibration), written once under the temp folder and kept between runs, or the one <c>--int8</c> names.
/// </summary>
internal static class Int8Model
{
    /// <returns>The int8 model descriptor's path, for <c>Embedding:Model</c>.</returns>
    public static string DescriptorPath(BenchmarkArguments arguments, ModelDescriptor fp32, string dataFolder)
    {
        if (arguments.Get("int8", "") is { Length: > 0 } given)
            return Path.GetFullPath(given);
        var id = $"{fp32.Id}-int8";
        var folder = Path.Combine(Path.GetTempPath(), "imagesearch-int8-bench");
        var path = Path.Combine(folder, $"{id}.json");
        if (!File.Exists(path))
            ModelQuantizer.Write(fp32, ModelQuantizer.Quantize(fp32, CalibrationImages.Select(Path.Combine(dataFolder, "imagenet-100"), 100), CalibrationMethod.MinMax), id, folder);
        return path;
    }
}
