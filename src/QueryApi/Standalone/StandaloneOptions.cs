namespace ImageSearch.QueryApi.Standalone;

/// <summary>
/// Section <c>Standalone</c>: one process runs every stage (embedder, indexer, dead-letter recorder, this API) over
/// MassTransit's in-memory transport and the embedded store, so one command runs everything with no server.
/// </summary>
public sealed class StandaloneOptions
{
    public const string Section = "Standalone";

    public bool Enabled { get; set; }

    /// <summary>Folders, globs or CSV files published once the process has started, as <c>ingestor publish</c> would.</summary>
    public string[] Ingest { get; set; } = [];
}
