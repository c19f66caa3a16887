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
    private readonly long[] _outputShape; // [batch, features...]
    private readonly ILogger _logger;

    public OnnxFeatureExtractor(ModelDescriptor model, EmbeddingOptions options, ILogger logger)
    {
        _logger = logger;
        var (bytes, rewritten) = ModelVariants.Load(model, options.Precision);
        (_session, Provider) = CreateSession(bytes, options, logger);
        if (Provider == ExecutionProvider.Cuda)
            logger.LogInformation("Model {ModelId} runs on ONNX Runtime's CUDA provider, device {DeviceId} ({Path}; batch dimension made symbolic in {Count} shapes)",
                model.Id, options.DeviceId, model.OnnxPath, rewritten);
        else
            logger.LogInformation("Model {ModelId} runs on ONNX Runtime's CPU provider ({Path}; batch dimension made symbolic in {Count} shapes)",
                model.Id, model.OnnxPath, rewritten);

        if (!_session.InputMetadata.TryGetValue(model.Input, out var input))
            throw new InvalidDataException($"model {model.Id} has no input '{model.Input}' (it has {string.Join(", ", _session.InputMetadata.Keys)})");
        if (!_session.OutputMetadata.TryGetValue(model.Output, out var output))
            throw new InvalidDataException($"model {model.Id} has no output '{model.Output}' (it has {string.Join(", ", _session.OutputMetadata.Keys)})");
        if (input.Dimensions is not [_, 3 or -1, var h, var w] || (h > 0 && h != model.Height) || (w > 0 && w != model.Width))
            throw new InvalidDataException($"model {model.Id} input '{model.Input}' has shape [{string.Join(',', input.Dimensions)}], expected [N,3,{model.Height},{model.Width}]");
        if (output.Dimensions.Skip(1).Any(d => d <= 0))
            throw new InvalidDataException($"model {model.Id} output '{model.Output}' has shape [{string.Join(',', output.Dimensions)}]: only the batch may be dynamic");

        _inputNames = [model.Input];
        _outputNames = [model.Output];
        _inputShape = [1, 3, model.Height, model.Width];
        _outputShape = [1, .. output.Dimensions.Skip(1).Select(d => (long)d)];
        FeatureLength = (int)_outputShape.Skip(1).Aggregate(1L, (a, b) => a * b);
    }

    public ExecutionProvider Provider { get; }

    public int FeatureLength { get; }

    /// <summary>Test seam: called with each run's image count before the model runs; an exception thrown there fails that run.</summary>
    internal Action<int>? BeforeRun { get; set; }

    /// <summary>Runs the model on the first <paramref name="batch"/> images of <paramref name="input"/>.</summary>
    /// <param name="input">batch × 3 × height × width floats, NCHW.</param>
    /// <param name="output">Receives batch × <see cref="FeatureLength"/> floats.</param>
    public void Run(float[] input, float[] output, int batch) => OutOfMemoryRetry.Run(batch, (start, count) =>
    {
        BeforeRun?.Invoke(count);
        var inputShape = (long[])_inputShape.Clone();
        var outputShape = (long[])_outputShape.Clone();
        inputShape[0] = outputShape[0] = count;
        var imageLength = (int)(inputShape.Skip(1).Aggregate(1L, (a, b) => a * b));
        using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(start * imageLength, count * imageLength), inputShape);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(start * FeatureLength, count * FeatureLength), outputShape);
        _session.Run(_runOptions, _inputNames, [inputValue], _outputNames, [outputValue]);
    }, _logger);

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
                    cuda.AppendExecutionProvider_CUDA(options.DeviceId);
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
