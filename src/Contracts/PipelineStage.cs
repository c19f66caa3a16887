using System.Text.Json.Serialization;

namespace ImageSearch.Contracts;

/// <summary>Where in the pipeline an image failed. Serialised by name so queued messages survive reordering.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PipelineStage>))]
public enum PipelineStage
{
    Ingest,
    Embed,
    Index,
}
