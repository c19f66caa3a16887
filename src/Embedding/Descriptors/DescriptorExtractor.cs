using System.Buffers;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Inference;
using ImageSearch.Embedding.Model;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace ImageSearch.Embedding.Descriptors;

/// <summary>
/// The model plus the descriptor configured in <see cref="DescriptorOptions"/>: writes each image into its slot of the
/// batch tensor (once per input size, and mirrored too with flip), runs the model and pools one vector per image. The
/// default (average pooling at the model's size) runs the model's own pooled output; anything else reads the feature map,
/// pools each view in C#, and sums the views after normalising each. Thread-safe.
/// </summary>
internal sealed class DescriptorExtractor : IDisposable
{
    private readonly DescriptorOptions _options;
    private readonly View[] _sizes;
    private readonly int _copies; // views per size: 2 with flip (the image, then its mirror), else 1

    public DescriptorExtractor(ModelDescriptor model, EmbeddingOptions options, ILogger logger)
    {
        _options = options.Descriptor;
        _copies = _options.Flip ? 2 : 1;
        Extractor = new OnnxFeatureExtractor(model, options, logger, featureMap: _options.NeedsFeatureMap);
        var offset = 0;
        _sizes = _options.ScalesOrDefault.Select(scale =>
        {
            var sized = model with { Width = DescriptorOptions.Size(scale, model.Width), Height = DescriptorOptions.Size(scale, model.Height) };
            var view = new View(new ImagePreprocessor(sized), offset);
            offset += _copies * view.Preprocessor.TensorLength;
            if (_options.NeedsFeatureMap)
                Extractor.FeatureMapCells(sized.Height, sized.Width); // proves now that the model runs at this size
            return view;
        }).ToArray();
        TensorLength = offset;
        IdSuffix = _options.IdSuffix(model.Width, model.Height);
    }

    /// <summary>The session alone, for benchmarks that time inference without decoding.</summary>
    public OnnxFeatureExtractor Extractor { get; }

    public ExecutionProvider Provider => Extractor.Provider;

    /// <summary>Floats per image in the batch tensor: every input size, mirrored too with flip.</summary>
    public int TensorLength { get; }

    /// <summary>Floats per image of the descriptor (before normalisation and projection).</summary>
    public int FeatureLength => Extractor.FeatureLength;

    /// <summary>The smallest decoded side that loses nothing at the largest input size.</summary>
    public int MinimumSourceSide => _sizes.Max(s => s.Preprocessor.MinimumSourceSide);

    /// <summary>
    /// The preprocessor when the descriptor is the model's own pooled output of one view at the model's size (what a
    /// pixel batch decoded elsewhere, such as on the GPU, can feed); null when it needs the feature map or several views.
    /// </summary>
    public ImagePreprocessor? SingleViewPreprocessor => _options.NeedsFeatureMap ? null : _sizes[0].Preprocessor;

    /// <summary>Appended to the model id (see <see cref="DescriptorOptions.IdSuffix"/>).</summary>
    public string IdSuffix { get; }

    public void Write(Mat bgr, Span<float> slot)
    {
        using var mirrored = _options.Flip ? bgr.Flip(FlipMode.Y) : null;
        foreach (var size in _sizes)
        {
            var length = size.Preprocessor.TensorLength;
            size.Preprocessor.Write(bgr, slot.Slice(size.Offset, length));
            if (mirrored is not null)
                size.Preprocessor.Write(mirrored, slot.Slice(size.Offset + length, length));
        }
    }

    /// <summary>Runs the first <paramref name="batch"/> slots of <paramref name="input"/>; <paramref name="output"/> gets batch × <see cref="FeatureLength"/>.</summary>
    public void Run(float[] input, float[] output, int batch)
    {
        if (!_options.NeedsFeatureMap)
        {
            Extractor.Run(input, output, batch);
            return;
        }
        output.AsSpan(0, batch * FeatureLength).Clear();
        var pooled = new float[FeatureLength];
        foreach (var size in _sizes)
        {
            var images = batch * _copies;
            var length = size.Preprocessor.TensorLength;
            var (height, width) = size.Preprocessor.InputSize;
            var (cellsHigh, cellsWide) = Extractor.FeatureMapCells(height, width);
            var mapLength = FeatureLength * cellsHigh * cellsWide;
            // With one input size the slots already are the model's input (image, mirror, image, mirror...); else gather this size's views.
            var gathered = _sizes.Length == 1 ? null : ArrayPool<float>.Shared.Rent(images * length);
            var maps = ArrayPool<float>.Shared.Rent(images * mapLength);
            try
            {
                if (gathered is not null)
                    for (var i = 0; i < batch; i++)
                        input.AsSpan(i * TensorLength + size.Offset, _copies * length).CopyTo(gathered.AsSpan(i * _copies * length));
                Extractor.RunFeatureMap(gathered ?? input, maps, images, height, width);
                for (var view = 0; view < images; view++)
                {
                    Pool(maps.AsSpan(view * mapLength, mapLength), cellsHigh, cellsWide, pooled);
                    FeatureMapPooling.Add(pooled, output.AsSpan(view / _copies * FeatureLength, FeatureLength));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(maps);
                if (gathered is not null)
                    ArrayPool<float>.Shared.Return(gathered);
            }
        }
    }

    private void Pool(ReadOnlySpan<float> map, int height, int width, Span<float> pooled)
    {
        switch (_options.Kind)
        {
            case DescriptorKind.Gem: FeatureMapPooling.GeneralisedMean(map, FeatureLength, _options.GemP, pooled); break;
            case DescriptorKind.Rmac: FeatureMapPooling.RegionalMaximum(map, FeatureLength, height, width, pooled); break;
            default: FeatureMapPooling.Average(map, FeatureLength, pooled); break;
        }
    }

    public void Dispose()
    {
        Extractor.Dispose();
        foreach (var size in _sizes)
            size.Preprocessor.Dispose();
    }

    /// <summary>One input size: its preprocessor, and where its views start in an image's slot.</summary>
    private sealed record View(ImagePreprocessor Preprocessor, int Offset);
}
