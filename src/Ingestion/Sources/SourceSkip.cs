namespace ImageSearch.Ingestion.Sources;

/// <param name="Location">Where: a file path, or <c>file.csv:LINE</c>.</param>
/// <param name="Reason">Why, in words; skips are counted per reason.</param>
public sealed record SourceSkip(string Location, string Reason) : SourceItem;
