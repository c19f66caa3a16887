namespace ImageSearch.Ingestion.Publishing;

/// <param name="Example">The first item counted under this reason, so the user can look at one.</param>
public sealed record ReasonTally(string Reason, long Count, string Example);
