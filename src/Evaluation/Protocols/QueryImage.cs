namespace ImageSearch.Evaluation.Protocols;

/// <summary>One image to search with; relevant gallery images share its <paramref name="Label"/>.</summary>
/// <param name="Group">A breakdown the report shows besides the total (the edit of a near-duplicate copy); empty for none.</param>
public sealed record QueryImage(string Path, string Label, string Group = "");
