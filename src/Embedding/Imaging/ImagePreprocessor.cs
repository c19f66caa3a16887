using System.Collections.Concurrent;
using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx;
using OpenCvSharp;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// Writes a decoded BGR image into one slot of the model's NCHW float input: resize (with centre crop or stretch),
/// channel order, scale and normalisation, as the descriptor says. Thread-safe; reuses its scratch images.
/// </summary>
public sealed class ImagePreprocessor : IDisposable
{
    private readonly ModelDescriptor _model;
    private readonly int _plane;
    // The whole normalisation folded into value × _multiply[c] − _subtract[c·plane + p], precomputed once.
    private readonly float[] _multiply = new float[3];
    private readonly float[] _subtract;
    private readonly ConcurrentBag<Mat> _scratch = [];

    public ImagePreprocessor(ModelDescriptor model)
    {
        _model = model;
        _plane = model.Width * model.Height;
        _subtract = new float[3 * _plane];
        var std = model.Std ?? [1f, 1f, 1f];
        var meanImage = model.MeanImage is { } reference ? LoadMeanImage(model, reference) : null;
        for (var c = 0; c < 3; c++)
        {
            _multiply[c] = model.Scale / std[c];
            for (var p = 0; p < _plane; p++)
                _subtract[c * _plane + p] = (meanImage?[c * _plane + p] ?? model.Mean![c]) / std[c];
        }
    }

    /// <summary>Floats per image in the input tensor (3 × height × width).</summary>
    public int TensorLength => 3 * _plane;

    /// <summary>The model input's height and width, in pixels.</summary>
    public (int Height, int Width) InputSize => (_model.Height, _model.Width);

    /// <summary>The smallest decoded side that loses nothing at this input size; reduced decoding must not go below it.</summary>
    public int MinimumSourceSide => Math.Max(_model.Width, _model.Height);

    public void Write(Mat bgr, Span<float> tensor)
    {
        if (tensor.Length != TensorLength)
            throw new ArgumentException($"tensor slot holds {tensor.Length} floats, expected {TensorLength}", nameof(tensor));
        var size = new Size(_model.Width, _model.Height);
        using var region = new Mat(bgr, SourceRegion(bgr.Size()));
        if (region.Size() == size)
        {
            Normalise(region, tensor);
            return;
        }
        if (!_scratch.TryTake(out var resized))
            resized = new Mat();
        try
        {
            ResizeRegion(region, resized, size);
            Normalise(resized, tensor);
        }
        finally
        {
            _scratch.Add(resized);
        }
    }

    /// <summary>
    /// The crop and resize of <see cref="Write"/> alone, into a height × width BGR image: the GPU decode path's CPU fallback,
    /// whose pixels are normalised on the GPU like every other image of the batch.
    /// </summary>
    public void Resize(Mat bgr, Mat destination)
    {
        using var region = new Mat(bgr, SourceRegion(bgr.Size()));
        ResizeRegion(region, destination, new Size(_model.Width, _model.Height));
    }

    /// <summary>Whether going from <paramref name="region"/> to <paramref name="size"/> shrinks (area averaging) or not (bilinear).</summary>
    internal static bool Shrinks(Size region, Size size) => region.Width > size.Width || region.Height > size.Height;

    /// <summary>The normalisation as value × Multiply[c] − Subtract[c·plane + p], for the GPU path's pixel graph.</summary>
    internal (float[] Multiply, float[] Subtract) Normalisation => (_multiply, _subtract);

    private static void ResizeRegion(Mat region, Mat destination, Size size)
    {
        if (region.Size() == size)
        {
            region.CopyTo(destination);
            return;
        }
        // INTER_AREA averages the pixels it shrinks (no aliasing); it equals bilinear when enlarging.
        Cv2.Resize(region, destination, size, interpolation: Shrinks(region.Size(), size) ? InterpolationFlags.Area : InterpolationFlags.Linear);
    }

    /// <summary>The part of the image that ends up in the tensor: all of it, or the centred region of the input's aspect ratio.</summary>
    internal Rect SourceRegion(Size source)
    {
        if (_model.Resize == ResizeMode.Stretch)
            return new Rect(0, 0, source.Width, source.Height);
        var scale = Math.Max((double)_model.Width / source.Width, (double)_model.Height / source.Height);
        var width = Math.Min(source.Width, (int)Math.Round(_model.Width / scale));
        var height = Math.Min(source.Height, (int)Math.Round(_model.Height / scale));
        return new Rect((source.Width - width) / 2, (source.Height - height) / 2, width, height);
    }

    private unsafe void Normalise(Mat image, Span<float> tensor)
    {
        // Source channels are B, G, R; for an RGB model, tensor channel c reads source channel 2 − c.
        var (first, third) = _model.ChannelOrder == ChannelOrder.Bgr ? (0, 2) : (2, 0);
        var (m0, m1, m2) = (_multiply[0], _multiply[1], _multiply[2]);
        var width = _model.Width;
        var sub = _subtract.AsSpan();
        for (var y = 0; y < _model.Height; y++)
        {
            var row = (byte*)image.Ptr(y);
            var o = y * width;
            for (var x = 0; x < width; x++, o++)
            {
                var pixel = row + 3 * x;
                tensor[o] = pixel[first] * m0 - sub[o];
                tensor[_plane + o] = pixel[1] * m1 - sub[_plane + o];
                tensor[2 * _plane + o] = pixel[third] * m2 - sub[2 * _plane + o];
            }
        }
    }

    /// <summary>The descriptor's mean image, resized when the model runs at another input size (multi-scale descriptors).</summary>
    private static float[] LoadMeanImage(ModelDescriptor model, MeanImageReference reference)
    {
        var (dims, values) = OnnxInitializer.ReadFloats(Path.Combine(model.Directory, reference.Onnx), reference.Initializer);
        if (dims.Length < 3 || values.Length != 3 * dims[^1] * dims[^2])
            throw new InvalidDataException($"mean image '{reference.Initializer}' has shape [{string.Join(',', dims)}], expected [1,3,height,width]");
        if (dims[^1] == model.Width && dims[^2] == model.Height)
            return values;
        var (height, width) = ((int)dims[^2], (int)dims[^1]);
        var resized = new float[3 * model.Width * model.Height];
        for (var c = 0; c < 3; c++)
        {
            using var plane = Mat.FromPixelData(height, width, MatType.CV_32FC1, values[(c * height * width)..((c + 1) * height * width)]);
            using var scaled = plane.Resize(new Size(model.Width, model.Height), interpolation: InterpolationFlags.Linear);
            scaled.GetArray(out float[] data);
            data.CopyTo(resized, c * model.Width * model.Height);
        }
        return resized;
    }

    public void Dispose()
    {
        while (_scratch.TryTake(out var mat))
            mat.Dispose();
    }
}
