using ImageSearch.Embedding.Gpu;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ImageSearch.Embedding.Inference;

/// <summary>
/// The model with <see cref="PixelInputGraph"/> in front, on the CUDA provider, fed by IO binding from a uint8 batch already
/// in GPU memory: no host copy of the images. Only the vectors come back to the host. Thread-safe.
/// </summary>
internal sealed class PixelBatchExtractor : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtMemoryInfo _gpuMemory;
    private readonly string _output;
    private readonly long _imageBytes;
    private readonly long[] _inputShape, _outputShape;
    private readonly ILogger _logger;
    private readonly int _capacity;

    public PixelBatchExtractor(ModelDescriptor model, ImagePreprocessor preprocessor, EmbeddingOptions options, ILogger logger)
    {
        (_logger, _capacity) = (logger, options.MaxBatchSize);
        var (multiply, subtract) = preprocessor.Normalisation;
        var (bytes, _) = ModelVariants.Load(model, options.Precision, front: graph => PixelInputGraph.Prepend(graph, model, multiply, subtract));
        (_session, var provider) = OnnxFeatureExtractor.CreateSession(bytes, options, logger);
        if (provider != ExecutionProvider.Cuda)
        {
            _session.Dispose();
            throw new CudaException("ONNX Runtime's CUDA provider did not load");
        }
        _gpuMemory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, options.DeviceId, OrtMemType.Default);
        _output = model.Output;
        _imageBytes = 3L * model.Width * model.Height;
        _inputShape = [1, model.Height, model.Width, 3];
        _outputShape = [1, .. _session.OutputMetadata[model.Output].Dimensions.Skip(1).Select(d => (long)d)];
        FeatureLength = (int)_outputShape.Skip(1).Aggregate(1L, (a, b) => a * b);
    }

    public int FeatureLength { get; }

    /// <summary>
    /// Runs the model on the first <paramref name="batch"/> images at <paramref name="pixels"/> (GPU memory, NHWC uint8 BGR,
    /// room for <see cref="EmbeddingOptions.MaxBatchSize"/> images), padded (<see cref="PaddedRun"/>).
    /// </summary>
    public void Run(IntPtr pixels, float[] output, int batch) => OutOfMemoryRetry.Run(batch, (start, count) =>
    {
        var run = new PaddedRun(output, start, count, _capacity - start, FeatureLength);
        using var input = OrtValue.CreateTensorValueWithData(_gpuMemory, TensorElementType.UInt8, run.Shape(_inputShape),
            pixels + (nint)(start * _imageBytes), run.Size * _imageBytes);
        using var result = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, run.Vectors, run.Shape(_outputShape));
        using var binding = _session.CreateIoBinding();
        binding.BindInput(PixelInputGraph.Input, input);
        binding.BindOutput(_output, result); // host memory: the run returns once the vectors are there
        CudaRuntime.RelaxCaptureMode();
        _session.RunWithBinding(_runOptions, binding);
        run.Complete();
    }, _logger);

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
        _gpuMemory.Dispose();
    }
}
