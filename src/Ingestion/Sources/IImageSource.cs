namespace ImageSearch.Ingestion.Sources;

/// <summary>A stream of images to publish. Lazy: nothing is listed up front, so millions of entries cost constant memory.</summary>
public interface IImageSource
{
    /// <summary>Human-readable description for progress and logs.</summary>
    string Description { get; }

    IEnumerable<SourceItem> Read(CancellationToken cancellationToken);

    /// <summary>Roughly how many items <see cref="Read"/> will yield, when that is cheap to learn; null otherwise.</summary>
    long? EstimateCount(CancellationToken cancellationToken);
}
