using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageSearch.Embedding.Model;

/// <summary>
/// A model and its preprocessing, read from a small JSON file beside the ONNX file. The tensor fed to the model is
/// <c>(pixel × Scale − mean) / std</c> per channel, in <see cref="ChannelOrder"/>, NCHW; the mean is either
/// per channel (<see cref="Mean"/>) or per pixel (<see cref="MeanImage"/>).
/// </summary>
public sealed record ModelDescriptor
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Short stable name recorded with every vector, e.g. <c>resnet18</c>.</summary>
    public required string Id { get; init; }
    /// <summary>The ONNX file, relative to the descriptor.</summary>
    public required string Onnx { get; init; }
    public required string Input { get; init; }
    public required string Output { get; init; }
    /// <summary>
    /// The last convolutional block's output (channels × cells, before global pooling), which descriptor kinds other
    /// than plain average pooling read; null when the model offers none.
    /// </summary>
    public string? FeatureMap { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public ResizeMode Resize { get; init; } = ResizeMode.ShorterSideCenterCrop;
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;
    /// <summary>Multiplies 0..255 pixel values first (e.g. 1/255 for models trained on 0..1).</summary>
    public float Scale { get; init; } = 1f;
    public float[]? Mean { get; init; }
    public float[]? Std { get; init; }
    public MeanImageReference? MeanImage { get; init; }

    /// <summary>Folder of the descriptor; relative paths inside it are resolved from here.</summary>
    [JsonIgnore]
    public string Directory { get; init; } = "";

    public string OnnxPath => Path.Combine(Directory, Onnx);

    public static ModelDescriptor Load(string path)
    {
        ModelDescriptor descriptor;
        try
        {
            descriptor = JsonSerializer.Deserialize<ModelDescriptor>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"model descriptor {path} is invalid: {e.Message}", e);
        }
        descriptor = descriptor with { Directory = Path.GetDirectoryName(Path.GetFullPath(path))! };
        descriptor.Validate(path);
        return descriptor;
    }

    private void Validate(string path)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Id) || Id.Contains('+')) problems.Add("id must be set and must not contain '+' (it separates the projection suffix)");
        if (Width <= 0 || Height <= 0) problems.Add("width and height must be positive");
        if (Scale <= 0) problems.Add("scale must be positive");
        if ((Mean is null) == (MeanImage is null)) problems.Add("give exactly one of mean (per channel) or meanImage");
        if (Mean is { Length: not 3 }) problems.Add("mean needs 3 values");
        if (Std is { Length: not 3 } || Std?.Any(s => s <= 0) == true) problems.Add("std needs 3 positive values");
        if (!File.Exists(OnnxPath)) problems.Add($"onnx file not found: {OnnxPath}");
        if (MeanImage is not null && !File.Exists(Path.Combine(Directory, MeanImage.Onnx))) problems.Add($"mean image file not found: {MeanImage.Onnx}");
        if (problems.Count > 0)
            throw new InvalidDataException($"model descriptor {path}: {string.Join("; ", problems)}");
    }
}
