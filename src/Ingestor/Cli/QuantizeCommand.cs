using System.CommandLine;
using System.Diagnostics;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Quantization;

namespace ImageSearch.Ingestor.Cli;

/// <summary>
/// <c>quantize FOLDER --out DIR</c>: writes an int8 copy of the model, calibrated on images from FOLDER, with its own
/// descriptor. Every process then points <c>Embedding:Model</c> at that one descriptor, so they all embed with the same
/// bytes (a model built at each start from each host's own folder could differ between the embedder and the query API).
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("calibration-folder") { Description = "Images like those you will search (100 are taken, spread over the sorted file list)" };
        var output = new Option<string>("--out") { Description = "Folder the quantized model and its descriptor are written to", Required = true };
        var model = new Option<string?>("--model") { Description = "Descriptor of the float model (default: the shipped ResNet18)" };
        var id = new Option<string?>("--id") { Description = "Model id of the quantized model (default: the float model's id + '-int8')" };
        var images = new Option<int>("--images") { Description = "Calibration images to use", DefaultValueFactory = _ => 100 };
        var method = new Option<CalibrationMethod>("--method") { Description = "MinMax (measured best on the class protocol) or Percentile", DefaultValueFactory = _ => CalibrationMethod.MinMax };
        var command = new Command("quantize", "Build an int8 (QDQ) copy of the embedding model, calibrated on your images, for Embedding:Model")
        {
            folder, output, model, id, images, method,
        };
        images.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 10_000)
                r.AddError("--images must be between 1 and 10000");
        });
        command.SetAction(result =>
        {
            try
            {
                var source = ModelDescriptor.Load(new EmbeddingOptions { Model = result.GetValue(model) ?? "" }.ResolveModelPath());
                var files = CalibrationImages.Select(result.GetValue(folder)!, result.GetValue(images));
                var watch = Stopwatch.StartNew();
                var quantized = ModelQuantizer.Quantize(source, files, result.GetValue(method));
                var path = ModelQuantizer.Write(source, quantized, result.GetValue(id) ?? $"{source.Id}-int8", result.GetValue(output)!);
                Console.WriteLine($"Quantized {source.Id} on {files.Count} images ({result.GetValue(method)}) in {watch.Elapsed.TotalSeconds:F0} s: {path}");
                Console.WriteLine($"Use it with Embedding__Model={path} in every service (embedder, query API).");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"quantize: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
