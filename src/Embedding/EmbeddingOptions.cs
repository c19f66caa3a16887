using System.ComponentModel.DataAnnotations;

namespace ImageSearch.Embedding;

/// <summary>Settings of the embedding core, bound from the <c>Embedding</c> section and validated at start.</summary>
public sealed class EmbeddingOptions : IValidatableObject
{
    public const string Section = "Embedding";

    /// <summary>The pretrained ResNet18's descriptor, shipped beside every application that embeds.</summary>
    public const string ShippedModel = "models/resnet18/resnet18.json";

    /// <summary>
    /// Path of the model descriptor (JSON). Empty: the shipped ResNet18 beside the application, wherever it is started
    /// from. A relative path is taken from the working directory, like any path given on a command line.
    /// </summary>
    public string Model { get; set; } = "";

    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>Where JPEGs are decoded and resized; Auto uses the GPU only when the model runs on CUDA and nvJPEG loads.</summary>
    public DecoderKind Decoder { get; set; } = DecoderKind.Auto;

    /// <summary>Number format the model runs in; Fp16 pays off on a GPU and gives vectors a distinct model id.</summary>
    public Precision Precision { get; set; } = Precision.Fp32;

    /// <summary>CUDA device ordinal.</summary>
    [Range(0, 64)]
    public int DeviceId { get; set; }

    /// <summary>
    /// ONNX Runtime CUDA provider options (its own names and values), on top of <c>device_id</c>. The default
    /// <c>prefer_nhwc=1</c> runs convolutions channels-last, where the tensor cores work best: on the H200 it raised
    /// ResNet18 inference alone from 20,000 to 27,800 img/s (fp32) and from 24,600 to 36,700 (fp16) (docs/benchmarks.md).
    /// </summary>
    public Dictionary<string, string> CudaProviderOptions { get; set; } = new() { ["prefer_nhwc"] = "1" };

    /// <summary>Images per model run. Larger batches pay off on a GPU; on a CPU 8–32 is enough.</summary>
    [Range(1, 4096)]
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Images read, decoded and preprocessed at the same time.</summary>
    [Range(1, 1024)]
    public int DecodeParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>ONNX Runtime intra-op threads on the CPU provider; 0 lets ONNX Runtime choose (one per core).</summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; }

    /// <summary>Decode JPEGs at 1/2, 1/4 or 1/8 scale when they are still at least the model's input size at that scale.</summary>
    public bool ReducedDecoding { get; set; } = true;

    /// <summary>Largest accepted width × height, read from the header before decoding.</summary>
    [Range(1, long.MaxValue)]
    public long MaxPixels { get; set; } = 50_000_000;

    /// <summary>Largest accepted encoded size.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Smallest accepted shorter side; anything smaller (icons, tracking pixels) carries no useful content.</summary>
    [Range(1, 65535)]
    public int MinSide { get; set; } = 32;

    /// <summary>When not empty, only files under one of these folders are read (after resolving symbolic links).</summary>
    public string[] AllowedRoots { get; set; } = [];

    /// <summary>
    /// Longest time one file may take to open and read. A read still stalled then (a network mount gone quiet) is given up:
    /// the image is rejected as <c>Unreadable</c> with <see cref="Imaging.ImageRejectedException.IsSourceTimeout"/> set, and
    /// the worker moves on.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Check a JPEG's whole structure and entropy-coded data before decoding, and reject any damage as <c>Corrupt</c>.
    /// The decoder itself only warns about damaged scan data and returns a partly grey or smeared photo; turn this off to
    /// keep such photos.
    /// </summary>
    public bool StrictDecoding { get; set; } = true;

    public ProjectionOptions Projection { get; set; } = new();

    public ObjectCropOptions ObjectCrop { get; set; } = new();

    public Descriptors.DescriptorOptions Descriptor { get; set; } = new();

    /// <summary>The descriptor's full path, resolved as documented on <see cref="Model"/>.</summary>
    public string ResolveModelPath() =>
        string.IsNullOrWhiteSpace(Model) ? Path.Combine(AppContext.BaseDirectory, ShippedModel) : Path.GetFullPath(Model);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!File.Exists(ResolveModelPath()))
            yield return new ValidationResult($"model descriptor not found: {ResolveModelPath()}", [nameof(Model)]);
        if (AllowedRoots.Any(string.IsNullOrWhiteSpace))
            yield return new ValidationResult("allowed roots must not be blank", [nameof(AllowedRoots)]);
        foreach (var (name, section) in new (string, object)[] { (nameof(Projection), Projection), (nameof(ObjectCrop), ObjectCrop), (nameof(Descriptor), Descriptor) })
        {
            var nested = new List<ValidationResult>();
            Validator.TryValidateObject(section, new ValidationContext(section), nested, validateAllProperties: true);
            foreach (var result in nested)
                yield return new ValidationResult(result.ErrorMessage, result.MemberNames.Select(m => $"{name}:{m}"));
        }
    }
}
