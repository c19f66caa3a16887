using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Embedding.Inference;

/// <summary>
/// One ONNX Runtime session for the model, fed from caller-owned buffers through the OrtValue API. The batch dimension is
/// made symbolic at load time, so a single run embeds a whole batch. Thread-safe (ONNX Runtime sessions are).
/// </summary>
internal sealed class OnnxFeatureExtractor : IDisposable
{
    private const string CudaProviderName = "CUDAExecutionProvider";

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;  // [batch, 3, height, width]; batch is set per run
    private readonly int _imageLength;    // floats per image of the input
    private readonly long[] _outputShape; // [batch, features...]
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int Height, int Width), (int, int)> _cells = new();
    private readonly ILogger _logger;
    private readonly int _capacity; // images a run may be padded to: the configured batch, though pooled buffers hold more

    /// <param name="featureMap">
    /// Output the model's last convolutional block (<see cref="ModelDescriptor.FeatureMap"/>) at any input size instead of
    /// its pooled output; run it with <see cref="RunFeatureMap"/>.
    /// </param>
    public OnnxFeatureExtractor(ModelDescriptor model, EmbeddingOptions options, ILogger logger, bool featureMap = false)
    {
        (_logger, _capacity) = (logger, options.MaxBatchSize);
        var (bytes, rewritten) = ModelVariants.Load(model, options.Precision, featureMap);
        var outputName = featureMap ? model.FeatureMap! : model.Output;
        (_session, Provider) = CreateSession(bytes, options, logger);
        if (Provider == ExecutionProvider.Cuda)
            logger.LogInformation("Model {ModelId} runs on ONNX Runtime's CUDA provider, device {DeviceId} ({Path}; batch dimension made symbolic in {Count} shapes)",
                model.Id, options.DeviceId, model.OnnxPath, rewritten);
        else
            logger.LogInformation("Model {ModelId} runs on ONNX Runtime's CPU provider ({Path}; batch dimension made symbolic in {Count} shapes)",
                model.Id, model.OnnxPath, rewritten);

        if (!_session.InputMetadata.TryGetValue(model.Input, out var input))
            throw new InvalidDataException($"model {model.Id} has no input '{model.Input}' (it has {string.Join(", ", _session.InputMetadata.Keys)})");
        if (!_session.OutputMetadata.TryGetValue(outputName, out var output))
            throw new InvalidDataException($"model {model.Id} has no output '{outputName}' (it has {string.Join(", ", _session.OutputMetadata.Keys)})");
        if (input.Dimensions is not [_, 3 or -1, var h, var w] || (h > 0 && h != model.Height) || (w > 0 && w != model.Width))
            throw new InvalidDataException($"model {model.Id} input '{model.Input}' has shape [{string.Join(',', input.Dimensions)}], expected [N,3,{model.Height},{model.Width}]");
        if (featureMap ? output.Dimensions is not [_, > 0, _, _] : output.Dimensions.Skip(1).Any(d => d <= 0))
            throw new InvalidDataException($"model {model.Id} output '{model.Output}' has shape [{string.Join(',', output.Dimensions)}]: only the batch may be dynamic");

        _inputNames = [model.Input];
        _outputNames = [outputName];
        _inputShape = [1, 3, model.Height, model.Width];
        _imageLength = 3 * model.Height * model.Width;
        _outputShape = [1, .. output.Dimensions.Skip(1).Select(d => (long)d)];
        FeatureLength = featureMap ? output.Dimensions[1] : (int)_outputShape.Skip(1).Aggregate(1L, (a, b) => a * b);
    }

    public ExecutionProvider Provider { get; }

    /// <summary>Floats per image of the pooled output; channels for a feature map.</summary>
    public int FeatureLength { get; }

    /// <summary>Test seam: called with each run's image count before the model runs; an exception thrown there fails that run.</summary>
    internal Action<int>? BeforeRun { get; set; }

    /// <summary>
    /// Runs the model on the first <paramref name="batch"/> images of <paramref name="input"/>; on the CUDA provider the run is
    /// padded (<see cref="PaddedRun"/>) up to <see cref="EmbeddingOptions.MaxBatchSize"/> images, as far as <paramref name="input"/>
    /// and <paramref name="output"/> have room.
    /// </summary>
    /// <param name="input">batch × 3 × height × width floats, NCHW.</param>
    /// <param name="output">Receives batch × <see cref="FeatureLength"/> floats.</param>
    public void Run(float[] input, float[] output, int batch) => OutOfMemoryRetry.Run(batch, (start, count) =>
    {
        BeforeRun?.Invoke(count);
        var room = Math.Min(_capacity, Math.Min(input.Length / _imageLength, output.Length / FeatureLength)) - start;
        var run = new PaddedRun(output, start, count, room, FeatureLength, pad: Provider == ExecutionProvider.Cuda);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            input.AsMemory(start * _imageLength, run.Size * _imageLength), run.Shape(_inputShape));
        using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, run.Vectors, run.Shape(_outputShape));
        _session.Run(_runOptions, _inputNames, [inputValue], _outputNames, [outputValue]);
        run.Complete();
    }, _logger);

    /// <summary>
    /// The feature map's cells (high, wide) for an input of <paramref name="height"/> × <paramref name="width"/> pixels,
    /// found once per size by running one blank image (which also proves the model accepts that size).
    /// </summary>
    public (int Height, int Width) FeatureMapCells(int height, int width) => _cells.GetOrAdd((height, width), size =>
    {
        using var input = OrtValue.CreateTensorValueFromMemory(new float[3 * size.Height * size.Width], [1, 3, size.Height, size.Width]);
        using var results = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        var shape = results[0].GetTensorTypeAndShape().Shape;
        return ((int)shape[2], (int)shape[3]);
    });

    /// <summary>
    /// Runs the feature-map model on the first <paramref name="batch"/> images of <paramref name="input"/>, each
    /// <paramref name="height"/> × <paramref name="width"/> pixels; <paramref name="output"/> receives
    /// batch × <see cref="FeatureLength"/> channels × <see cref="FeatureMapCells"/>, NCHW.
    /// </summary>
    public void RunFeatureMap(float[] input, float[] output, int batch, int height, int width)
    {
        var (cellsHigh, cellsWide) = FeatureMapCells(height, width);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, batch * 3 * height * width), [batch, 3, height, width]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            output.AsMemory(0, batch * FeatureLength * cellsHigh * cellsWide), [batch, FeatureLength, cellsHigh, cellsWide]);
        _session.Run(_runOptions, _inputNames, [inputValue], _outputNames, [outputValue]);
    }

    /// <summary>A CUDA session when asked for and possible, else a CPU one (also used by the GPU decode path's session).</summary>
    internal static (InferenceSession, ExecutionProvider) CreateSession(byte[] model, EmbeddingOptions options, ILogger logger)
    {
        if (options.ExecutionProvider == ExecutionProvider.Cuda)
        {
            if (!OrtEnv.Instance().GetAvailableProviders().Contains(CudaProviderName))
            {
                logger.LogWarning("CUDA was requested but this build carries the CPU-only ONNX Runtime (build with -p:OnnxRuntimeFlavor=Gpu); running on the CPU");
            }
            else
            {
                var cuda = new SessionOptions();
                try
                {
                    using var provider = new OrtCUDAProviderOptions();
                    provider.UpdateOptions(new Dictionary<string, string>(options.CudaProviderOptions)
                    {
                        ["device_id"] = options.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    });
                    cuda.AppendExecutionProvider_CUDA(provider);
                    return (new InferenceSession(model, cuda), ExecutionProvider.Cuda);
                }
                catch (OnnxRuntimeException e)
                {
                    logger.LogWarning(e, "CUDA execution provider failed to load on device {DeviceId} (missing CUDA/cuDNN libraries or no GPU); running on the CPU", options.DeviceId);
                }
                finally
                {
                    cuda.Dispose();
                }
            }
        }
        using var cpu = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpThreads > 0)
            cpu.IntraOpNumThreads = options.IntraOpThreads;
        return (new InferenceSession(model, cpu), ExecutionProvider.Cpu);
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
