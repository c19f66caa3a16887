using System.Collections.Concurrent;
using System.Diagnostics;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Imaging.Jpeg;
using ImageSearch.Embedding.Inference;
using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.PostProcessing;
using Microsoft.Extensions.Logging;
using OpenCvSharp;

namespace ImageSearch.Embedding.Gpu;

/// <summary>
/// The GPU decode path of <see cref="ImageEmbedder"/>. Per batch: the files are read and checked on CPU threads under every
/// rule of the CPU path (size limits, header, strict JPEG check); JPEGs that nvJPEG takes (<see cref="JpegTraits.FitsGpu"/>)
/// are decoded and resized on the GPU into a uint8 batch in GPU memory; every other image, and any that nvJPEG refuses, is
/// decoded and resized on the CPU (<see cref="ImageDecoder"/>, <see cref="ImagePreprocessor.Resize"/>) and copied into its
/// slot; then the model normalises and embeds the batch where it lies. Thread-safe; concurrent calls overlap CPU and GPU work.
/// </summary>
internal sealed class GpuDecodePath : IDisposable
{
    private readonly EmbeddingOptions _options;
    private readonly ImageDecoder _cpuDecoder;
    private readonly ImagePreprocessor _preprocessor;
    private readonly VectorPostProcessor _postProcessor;
    private readonly GpuJpegDecoder _jpeg;
    private readonly PixelBatchExtractor _extractor;
    private readonly EmbeddingStageTimes _times;
    private readonly ILogger _logger;
    private readonly int _slotBytes;
    private readonly ConcurrentBag<PixelBatch> _batches = [];

    /// <summary>Batches nvJPEG and NPP work on at once (see <see cref="DecodeLane"/>).</summary>
    private const int DecodeLanes = 2;

    private GpuDecodePath(EmbeddingOptions options, ModelDescriptor model, ImageDecoder decoder, ImagePreprocessor preprocessor, VectorPostProcessor postProcessor,
        EmbeddingStageTimes times, ILogger logger)
    {
        (_options, _cpuDecoder, _preprocessor, _postProcessor, _times, _logger) = (options, decoder, preprocessor, postProcessor, times, logger);
        _slotBytes = 3 * model.Width * model.Height;
        _jpeg = new GpuJpegDecoder(options.DeviceId, DecodeLanes, preprocessor, new Size(model.Width, model.Height), logger);
        try
        {
            _extractor = new PixelBatchExtractor(model, preprocessor, options, logger);
        }
        catch
        {
            _jpeg.Dispose();
            throw;
        }
    }

    /// <summary>Whether nvJPEG decodes on the GPU's hardware JPEG engines.</summary>
    public bool HardwareDecoder => _jpeg.Hardware;

    /// <summary>The GPU path as <see cref="EmbeddingOptions.Decoder"/> asks, or null for the CPU path (with the reason logged).</summary>
    /// <exception cref="InvalidOperationException">Decoder is Gpu and the GPU path cannot run here.</exception>
    /// <param name="preprocessor">The model's preprocessing of one view, or null where the descriptor needs more (feature map, flip, scales).</param>
    public static GpuDecodePath? Create(EmbeddingOptions options, ModelDescriptor model, ImageDecoder decoder, ImagePreprocessor? preprocessor,
        VectorPostProcessor postProcessor, bool objectCrop, EmbeddingStageTimes times, ILogger logger)
    {
        if (options.Decoder == DecoderKind.Cpu)
            return null;
        var why = options.ExecutionProvider != ExecutionProvider.Cuda ? "the model runs on the CPU provider (Embedding:ExecutionProvider=Cpu)"
            : objectCrop ? "the object crop needs each decoded photo on the CPU"
            : preprocessor is null ? "the descriptor (Embedding:Descriptor) pools the feature map or several views on the CPU"
            : null;
        if (why is null && preprocessor is not null)
        {
            try
            {
                return new GpuDecodePath(options, model, decoder, preprocessor, postProcessor, times, logger);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CudaException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                why = $"{e.GetType().Name}: {e.Message}";
            }
        }
        if (options.Decoder == DecoderKind.Gpu)
            throw new InvalidOperationException($"Embedding:Decoder is Gpu, but the GPU decode path cannot run: {why}");
        logger.LogInformation("Images are decoded on the CPU: {Reason}", why);
        return null;
    }

    public async Task<IReadOnlyList<EmbeddingResult>> EmbedAsync(int count, Func<int, string> name, Func<int, CancellationToken, ValueTask<EncodedImage>> read, CancellationToken ct)
    {
        var results = new EmbeddingResult[count];
        for (var start = 0; start < count; start += _options.MaxBatchSize)
        {
            var size = Math.Min(_options.MaxBatchSize, count - start);
            if (!_batches.TryTake(out var batch))
                batch = NewBatch();
            try
            {
                await EmbedBatchAsync(batch, start, size, name, read, results, ct);
            }
            catch (CudaException e) when (e.OutOfMemory)
            {
                throw new GpuOutOfMemoryException($"GPU out of memory for the decode path's buffers: {e.Message}", e);
            }
            finally
            {
                _batches.Add(batch);
            }
        }
        return results;
    }

    private PixelBatch NewBatch()
    {
        try
        {
            return new PixelBatch(_options.MaxBatchSize * (long)_slotBytes, _options.DeviceId);
        }
        catch (CudaException e) when (e.OutOfMemory)
        {
            throw new GpuOutOfMemoryException($"GPU out of memory for a batch buffer: {e.Message}", e);
        }
    }

    private async Task EmbedBatchAsync(PixelBatch batch, int start, int size, Func<int, string> name,
        Func<int, CancellationToken, ValueTask<EncodedImage>> read, EmbeddingResult[] results, CancellationToken ct)
    {
        var forGpu = new EncodedImage?[size];
        var onHost = new bool[size];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.DecodeParallelism, CancellationToken = ct };
        try
        {
            await Parallel.ForAsync(0, size, parallel, async (slot, token) =>
            {
                if (await ImageFailures.CaptureAsync(async () =>
                    {
                        var clock = Stopwatch.StartNew();
                        var bytes = await read(start + slot, token);
                        bool toGpu;
                        try
                        {
                            toGpu = Route(bytes.Span);
                        }
                        catch
                        {
                            bytes.Dispose();
                            throw;
                        }
                        if (!toGpu)
                        {
                            using (bytes)
                                onHost[slot] = DecodeOnCpu(bytes.Span, batch, slot);
                            return;
                        }
                        forGpu[slot] = bytes;
                        _times.AddRead(clock.Elapsed);
                    }, () => name(start + slot), _logger, token) is { } failure)
                    results[start + slot] = failure;
            });

            var jpegs = Enumerable.Range(0, size).Where(s => forGpu[s] is not null).Select(s => (Slot: s, Bytes: forGpu[s]!)).ToList();
            var decoded = _jpeg.Decode(jpegs, batch.Device.Pointer, _times);
            var refused = jpegs.Where((_, k) => !decoded[k]).ToList();
            await Parallel.ForEachAsync(refused, parallel, async (jpeg, token) =>
            {
                if (await ImageFailures.CaptureAsync(() => Task.FromResult(onHost[jpeg.Slot] = DecodeOnCpu(jpeg.Bytes.Span, batch, jpeg.Slot)),
                        () => name(start + jpeg.Slot), _logger, token) is { } failure)
                    results[start + jpeg.Slot] = failure;
            });
        }
        finally
        {
            foreach (var bytes in forGpu)
                bytes?.Dispose();
        }
        batch.Upload(onHost, _slotBytes);

        if (Enumerable.Range(start, size).All(i => results[i] is not null))
            return;
        var clock = Stopwatch.StartNew();
        var output = new float[size * _extractor.FeatureLength];
        _extractor.Run(batch.Device.Pointer, output, size); // failed slots hold stale pixels; their rows are ignored
        _times.AddInference(clock.Elapsed, size);
        for (var slot = 0; slot < size; slot++)
            results[start + slot] ??= EmbeddingResult.Success(_postProcessor.Process(output.AsSpan(slot * _extractor.FeatureLength, _extractor.FeatureLength)));
    }

    /// <summary>
    /// Inference alone, the ceiling of this path: <paramref name="rounds"/> runs of <paramref name="size"/> images already in
    /// GPU memory on each of <paramref name="threads"/> threads at once, after one warm-up run each. Returns img/s.
    /// </summary>
    public double MeasureInference(int size, int rounds, int threads)
    {
        var batches = Enumerable.Range(0, threads).Select(_ => NewBatch()).ToList();
        try
        {
            void RunAll(int count) => Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var output = new float[size * _extractor.FeatureLength];
                for (var r = 0; r < count; r++)
                    _extractor.Run(batches[t].Device.Pointer, output, size);
            });
            RunAll(1);
            var clock = Stopwatch.StartNew();
            RunAll(rounds);
            return (double)threads * rounds * size / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    /// <summary>True for a JPEG that goes to nvJPEG, after the same checks the CPU path makes; false for the CPU path.</summary>
    private bool Route(ReadOnlySpan<byte> data)
    {
        var header = _cpuDecoder.Inspect(data);
        if (header.Format != ImageFormat.Jpeg || !JpegTraits.Read(data).FitsGpu)
            return false;
        if (_options.StrictDecoding)
            JpegValidator.Validate(data);
        return true;
    }

    /// <summary>Decodes and resizes on the CPU into the slot's host staging area; always true (failures throw).</summary>
    private unsafe bool DecodeOnCpu(ReadOnlySpan<byte> data, PixelBatch batch, int slot)
    {
        var clock = Stopwatch.StartNew();
        using var image = _cpuDecoder.Decode(data, _options.ReducedDecoding ? _preprocessor.MinimumSourceSide : 0);
        using var resized = new Mat();
        _preprocessor.Resize(image, resized);
        var (row, height) = (resized.Width * 3, resized.Height);
        var destination = (byte*)batch.Host.Pointer + (long)slot * _slotBytes;
        for (var y = 0; y < height; y++)
            new ReadOnlySpan<byte>((void*)resized.Ptr(y), row).CopyTo(new Span<byte>(destination + (long)y * row, row));
        _times.AddFallback(clock.Elapsed);
        return true;
    }

    public void Dispose()
    {
        _extractor.Dispose();
        _jpeg.Dispose();
        while (_batches.TryTake(out var batch))
            batch.Dispose();
    }
}
