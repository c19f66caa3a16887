namespace ImageSearch.Ingestion.Sources;

/// <summary>What a source yields, one at a time: an image to publish, or a line or file it skipped and why.</summary>
public abstract record SourceItem;
