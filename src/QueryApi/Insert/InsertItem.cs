namespace ImageSearch.QueryApi.Insert;

/// <summary>One image to insert: a file the embedders can read (a given path, or where an upload was kept).</summary>
/// <param name="Name">What the client called it: the path it sent, or the upload's file name.</param>
public sealed record InsertItem(string Path, string? Label, string Name);
