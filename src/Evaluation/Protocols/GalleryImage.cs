namespace ImageSearch.Evaluation.Protocols;

/// <summary>One image to search among. Every query with the same <paramref name="Label"/> counts it as relevant.</summary>
public sealed record GalleryImage(string Id, string Path, string Label);
