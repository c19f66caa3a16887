using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Inference;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;

namespace ImageSearch.Embedding.Detection;

/// <summary>
/// The largest object by any ONNX detector with a YOLOv5 or YOLOv8 output: the image is letterboxed into the detector's
/// input, boxes under the confidence are dropped, overlapping ones suppressed (class-agnostic), and the largest box left,
/// mapped back to the image, is the object. The model's shapes are checked at start, so a detector whose output fits
/// neither layout stops the embedder with the reason. Runs one image at a time; thread-safe (ONNX Runtime sessions are).
/// </summary>
public sealed class OnnxObjectDetector : IObjectRegionFinder, IDisposable
{
    private const int DefaultInputSide = 640;

    private readonly ObjectCropOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly Size _input;
    private readonly DetectorLayout _layout;
    private readonly HashSet<int> _classes;

    public OnnxObjectDetector(EmbeddingOptions options, ILogger logger)
    {
        _options = options.ObjectCrop;
        var path = _options.ResolveDetectorPath();
        var bytes = File.ReadAllBytes(path);
        (_session, var provider) = OnnxFeatureExtractor.CreateSession(bytes, options, logger);
        try
        {
            if (_session.InputMetadata.Count != 1)
                throw new InvalidDataException($"detector {path} has {_session.InputMetadata.Count} inputs; expected one image input");
            var inputName = _session.InputNames[0];
            var input = _session.InputMetadata[inputName];
            _input = ReadInputSize(input, path);
            var outputName = _session.OutputNames[0]; // the boxes: Ultralytics detection exports have this one output
            var output = _session.OutputMetadata[outputName];
            if (input.ElementDataType != TensorElementType.Float || output.ElementDataType != TensorElementType.Float)
                throw new InvalidDataException($"detector {path} must take and give float32 tensors (it takes {input.ElementDataType}, gives {output.ElementDataType}); export it without half precision");
            var dims = output.Dimensions.Select(d => (long)d).ToArray();
            try
            {
                _layout = YoloOutput.Resolve(_options.Layout, dims);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"detector {path}, output '{outputName}': {e.Message}", e);
            }
            _classes = [.. _options.Classes];
            var classCount = YoloOutput.ClassCount(_layout, dims);
            if (classCount > 0 && _classes.FirstOrDefault(c => c >= classCount, -1) is var missing and >= 0)
                throw new InvalidDataException($"detector {path} scores {classCount} classes; Embedding:ObjectCrop:Classes asks for class {missing}");
            (_inputNames, _outputNames) = ([inputName], [outputName]);
            IdSuffix = $"+det:{Path.GetFileNameWithoutExtension(path).Replace('+', '-')}.{Fingerprint(bytes)}";
            logger.LogInformation("Object crop by detector {Path} ({Layout} output '{Output}', input {Width}×{Height}, {Provider}); model id suffix {Suffix}",
                path, _layout, outputName, _input.Width, _input.Height, provider, IdSuffix);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary><c>+det:NAME.HASH</c>: the file name, and a hash of the file's bytes and of every setting that moves the crop.</summary>
    public string IdSuffix { get; }

    /// <summary>The detector input in pixels (width × height).</summary>
    public Size Input => _input;

    public Rect Find(Mat bgr)
    {
        var whole = new Rect(0, 0, bgr.Width, bgr.Height);
        var boxes = Detect(bgr);
        if (boxes.Count == 0)
            return whole;
        var largest = boxes.MaxBy(b => b.Area);
        if (largest.Area <= 0 || largest.Area < _options.MinObjectArea * bgr.Width * bgr.Height)
            return whole;
        return CropRegion.Expand(largest.Left, largest.Top, largest.Right, largest.Bottom, _options.Margin, bgr.Size());
    }

    /// <summary>The boxes that pass confidence, class filter and suppression, best first, in <paramref name="bgr"/>'s pixels.</summary>
    public List<DetectedBox> Detect(Mat bgr)
    {
        var letterbox = Letterbox.For(bgr.Size(), _input);
        var length = 3 * _input.Width * _input.Height;
        var tensor = ArrayPool<float>.Shared.Rent(length);
        try
        {
            letterbox.Write(bgr, tensor.AsSpan(0, length));
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tensor.AsMemory(0, length), [1, 3, _input.Height, _input.Width]);
            using var outputs = _session.Run(_runOptions, _inputNames, [inputValue], _outputNames);
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            var found = YoloOutput.Decode(outputs[0].GetTensorDataAsSpan<float>(), shape, _layout, (float)_options.Confidence, _classes);
            return NonMaxSuppression.Apply(found, _options.Iou).Select(letterbox.ToImage).ToList();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tensor);
        }
    }

    private Size ReadInputSize(NodeMetadata input, string path)
    {
        if (input.Dimensions is not [1 or -1, 3 or -1, var height, var width])
            throw new InvalidDataException($"detector {path} input has shape [{string.Join(',', input.Dimensions)}]; expected [1,3,height,width]");
        var configured = _options.InputSize;
        if (configured > 0 && ((height > 0 && height != configured) || (width > 0 && width != configured)))
            throw new InvalidDataException($"detector {path} takes {width}×{height} images; Embedding:ObjectCrop:InputSize is {configured} (0 uses the model's)");
        var side = configured > 0 ? configured : DefaultInputSide;
        return new Size(width > 0 ? width : side, height > 0 ? height : side);
    }

    private string Fingerprint(byte[] model)
    {
        // Invariant culture: the same settings must give the same id on every machine, whatever its locale.
        var settings = string.Create(CultureInfo.InvariantCulture, $"{_options.Confidence:R}|{_options.Iou:R}|{_options.Margin:R}|{_options.MinObjectArea:R}|{_input.Width}x{_input.Height}|{string.Join(',', _classes.Order())}");
        var hash = SHA256.HashData([.. SHA256.HashData(model), .. Encoding.UTF8.GetBytes(settings)]);
        return Convert.ToHexStringLower(hash)[..8];
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
