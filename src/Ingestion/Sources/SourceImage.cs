namespace ImageSearch.Ingestion.Sources;

/// <param name="Path">Absolute path of the image (not checked for existence: the embedder dead-letters a missing file).</param>
/// <param name="Key">The source's own id for the image (a CSV id column), or null to derive the id from the path.</param>
public sealed record SourceImage(string Path, string? Key = null, string? Label = null) : SourceItem;
