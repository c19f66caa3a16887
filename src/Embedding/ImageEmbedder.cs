using System.Buffers;
using System.Diagnostics;
using ImageSearch.Embedding.Descriptors;
using ImageSearch.Embedding.Gpu;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.Inference;
using ImageSearch.Embedding.Model;
using ImageSearch.Embedding.Onnx;
using ImageSearch.Embedding.PostProcessing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace ImageSearch.Embedding;

/// <summary>
/// Image files or encoded bytes in, unit-length vectors out. Images are read, decoded and preprocessed in parallel straight
/// into a pooled batch tensor; the model runs once per chunk of <see cref="EmbeddingOptions.MaxBatchSize"/>, overlapping
/// with the decoding of the next chunk. Whatever goes wrong with one image, even an exception nobody foresaw, only fails that
/// image's result; inference failures (ONNX Runtime errors, GPU out of memory) throw, so the caller can retry the whole batch.
/// Singleton; thread-safe.
/// </summary>
public sealed class ImageEmbedder : IDisposable
{
    private readonly EmbeddingOptions _options;
    private readonly ImageDecoder _decoder;
    private readonly ImageFileReader _files;
    private readonly IObjectRegionFinder? _objectFinder;
    private readonly DescriptorExtractor _extractor;
    private readonly GpuDecodePath? _gpu;
    private readonly VectorPostProcessor _postProcessor;
    private readonly ArrayPool<float> _inputs;
    private readonly ArrayPool<float> _outputs;
    private readonly ILogger<ImageEmbedder> _logger;

    public ImageEmbedder(IOptions<EmbeddingOptions> options, ImageDecoder decoder, ILogger<ImageEmbedder> logger)
        : this(options, ModelDescriptor.Load(options.Value.ResolveModelPath()), decoder, logger)
    {
    }

    /// <summary>Uses <paramref name="model"/> instead of the configured descriptor (to compare preprocessing variants).</summary>
    public ImageEmbedder(IOptions<EmbeddingOptions> options, ModelDescriptor model, ImageDecoder decoder, ILogger<ImageEmbedder> logger)
    {
        _options = options.Value;
        _logger = logger;
        _decoder = decoder;
        _files = new ImageFileReader(options);
        _objectFinder = IObjectRegionFinder.Create(_options, logger);
        _extractor = new DescriptorExtractor(model, _options, logger);
        _postProcessor = new VectorPostProcessor(_extractor.FeatureLength, _options.Projection);
        _gpu = GpuDecodePath.Create(_options, model, decoder, _extractor.SingleViewPreprocessor, _postProcessor, _objectFinder is not null, Times, logger);
        Model = new EmbeddingModelInfo(model.Id + ModelVariants.IdSuffix(_options.Precision) + _extractor.IdSuffix + _objectFinder?.IdSuffix + _postProcessor.IdSuffix,
            _postProcessor.Dimension, _extractor.Provider);
        Descriptor = model;
        // Two buffers per concurrent call (one being filled, one in inference); a few callers at once stay pooled.
        _inputs = ArrayPool<float>.Create(_options.MaxBatchSize * _extractor.TensorLength, maxArraysPerBucket: 8);
        _outputs = ArrayPool<float>.Create(_options.MaxBatchSize * _extractor.FeatureLength, maxArraysPerBucket: 8);
    }

    public EmbeddingModelInfo Model { get; }

    /// <summary>The model and preprocessing in use.</summary>
    public ModelDescriptor Descriptor { get; }

    /// <summary>The session alone, for benchmarks that time inference without decoding.</summary>
    internal OnnxFeatureExtractor Extractor => _extractor.Extractor;

    /// <summary>Where the time goes on either path (benchmarks and `ingest --trace` print it).</summary>
    public EmbeddingStageTimes Times { get; } = new();

    /// <summary>The GPU decode path when <see cref="EmbeddingOptions.Decoder"/> chose it, else null.</summary>
    internal GpuDecodePath? GpuPath => _gpu;

    public Task<IReadOnlyList<EmbeddingResult>> EmbedFilesAsync(IReadOnlyList<string> paths, CancellationToken ct) =>
        _gpu is { } gpu ? gpu.EmbedAsync(paths.Count, i => paths[i], async (i, token) =>
            {
                var encoded = await _files.ReadAsync(paths[i], token);
                TestCrashSwitch.AbortIfMarked(paths[i]);
                return encoded;
            }, ct)
        : EmbedAsync(Files(paths), Preparation.Parallel(_options.DecodeParallelism), ct);

    /// <summary>
    /// Like <see cref="EmbedFilesAsync"/>, but one image at a time, and <paramref name="tracker"/> is told which one is in hand:
    /// nothing else of this call reads, decodes, preprocesses or runs the model meanwhile. If native code kills the process
    /// while an image is in hand, the tracker knows which image did it. The caller keeps other calls away meanwhile.
    /// </summary>
    public Task<IReadOnlyList<EmbeddingResult>> EmbedFilesOneAtATimeAsync(IReadOnlyList<string> paths, IPreparationTracker tracker, CancellationToken ct) =>
        EmbedAsync(Files(paths), new Preparation(1, tracker), ct);

    public Task<IReadOnlyList<EmbeddingResult>> EmbedEncodedAsync(IReadOnlyList<ReadOnlyMemory<byte>> images, CancellationToken ct) =>
        _gpu is { } gpu ? gpu.EmbedAsync(images.Count, i => $"encoded image #{i}", (i, _) => ValueTask.FromResult(EncodedImage.CopyOf(images[i].Span)), ct) :
        EmbedAsync(new Source(images.Count, i => $"encoded image #{i}", (i, _) => ValueTask.FromResult(_decoder.Decode(images[i].Span, MinimumSide))),
            Preparation.Parallel(_options.DecodeParallelism), ct);

    private Source Files(IReadOnlyList<string> paths) => new(paths.Count, i => paths[i], async (i, token) =>
    {
        using var encoded = await _files.ReadAsync(paths[i], token);
        TestCrashSwitch.AbortIfMarked(paths[i]);
        return _decoder.Decode(encoded.Span, MinimumSide);
    });

    /// <summary>
    /// The shorter side reduced decoding must keep. With the object crop on, twice the model input, so an object
    /// spanning half the photo still reaches the model at full resolution.
    /// </summary>
    private int MinimumSide => !_options.ReducedDecoding ? 0
        : _objectFinder is null ? _extractor.MinimumSourceSide : 2 * _extractor.MinimumSourceSide;

    private async Task<IReadOnlyList<EmbeddingResult>> EmbedAsync(Source source, Preparation preparation, CancellationToken ct)
    {
        var count = source.Count;
        var results = new EmbeddingResult[count];
        var inference = Task.CompletedTask;
        try
        {
            for (var start = 0; start < count; start += _options.MaxBatchSize)
            {
                if (preparation.Tracker is not null)
                    await inference; // a tracked image is never in hand while the model runs: a crash in the model is not its fault
                var batch = new Batch(start, Math.Min(_options.MaxBatchSize, count - start), _inputs.Rent(_options.MaxBatchSize * _extractor.TensorLength));
                var clock = Stopwatch.StartNew();
                try
                {
                    await PrepareAsync(batch, source, preparation, results, ct);
                }
                catch
                {
                    _inputs.Return(batch.Input);
                    throw;
                }
                Times.AddPreparation(clock.Elapsed, batch.Count);
                await inference; // the previous chunk: at most two batch buffers per call, one filling and one in the model
                inference = Task.Run(() => Infer(batch, results), ct);
            }
        }
        finally
        {
            await inference;
        }
        return results;
    }

    /// <summary>
    /// Reads, decodes and preprocesses a chunk in parallel; each good image fills its own slot of the input tensor. Any
    /// exception but cancellation becomes that image's failure: one image must never fail its batch.
    /// </summary>
    private Task PrepareAsync(Batch batch, Source source, Preparation preparation, EmbeddingResult[] results, CancellationToken ct) =>
        Parallel.ForAsync(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = preparation.Parallelism, CancellationToken = ct }, async (slot, token) =>
        {
            var index = batch.Start + slot;
            preparation.Tracker?.Preparing(index);
            try
            {
                if (await ImageFailures.CaptureAsync(async () =>
                    {
                        using var image = await source.Decode(index, token);
                        using var objectRegion = _objectFinder is null ? null : new Mat(image, _objectFinder.Find(image));
                        _extractor.Write(objectRegion ?? image, batch.Input.AsSpan(slot * _extractor.TensorLength, _extractor.TensorLength));
                    }, () => source.Name(index), _logger, token) is { } failure)
                    results[index] = failure;
            }
            finally
            {
                preparation.Tracker?.Prepared(index);
            }
        });

    private void Infer(Batch batch, EmbeddingResult[] results)
    {
        var output = _outputs.Rent(_options.MaxBatchSize * _extractor.FeatureLength);
        try
        {
            // Failed images left holes: move the good slots together so the model only sees real images.
            Span<int> owners = stackalloc int[batch.Count];
            var good = 0;
            var length = _extractor.TensorLength;
            for (var slot = 0; slot < batch.Count; slot++)
            {
                if (results[batch.Start + slot] is not null)
                    continue;
                if (good != slot)
                    batch.Input.AsSpan(slot * length, length).CopyTo(batch.Input.AsSpan(good * length, length));
                owners[good++] = batch.Start + slot;
            }
            if (good == 0)
                return;
            var clock = Stopwatch.StartNew();
            _extractor.Run(batch.Input, output, good);
            Times.AddHostInference(clock.Elapsed, good);
            for (var row = 0; row < good; row++)
                results[owners[row]] = EmbeddingResult.Success(_postProcessor.Process(output.AsSpan(row * _extractor.FeatureLength, _extractor.FeatureLength)));
        }
        finally
        {
            _outputs.Return(output);
            _inputs.Return(batch.Input);
        }
    }

    public void Dispose()
    {
        _gpu?.Dispose();
        _extractor.Dispose();
        (_objectFinder as IDisposable)?.Dispose();
    }

    private sealed record Batch(int Start, int Count, float[] Input);

    /// <summary>The images of one call: how many, what to call each in a log line, and how to get each decoded.</summary>
    private sealed record Source(int Count, Func<int, string> Name, Func<int, CancellationToken, ValueTask<Mat>> Decode);

    /// <summary>How a call prepares its images: how many at once, and who is told which one is in hand.</summary>
    private sealed record Preparation(int Parallelism, IPreparationTracker? Tracker)
    {
        public static Preparation Parallel(int parallelism) => new(parallelism, null);
    }
}
