namespace ImageSearch.Evaluation.NearDuplicates;

/// <summary>One generated copy: where it was written, the photo it came from, and how it was edited.</summary>
public sealed record NearDuplicateCopy(string Path, string Original, ImageEdit Edit);
