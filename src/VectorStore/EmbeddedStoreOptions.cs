using System.ComponentModel.DataAnnotations;

namespace ImageSearch.VectorStore;

/// <summary>Section <c>VectorStore:Embedded</c>.</summary>
public sealed class EmbeddedStoreOptions
{
    /// <summary>Directory holding <c>store.db</c> (SQLite, the source of truth) and the HNSW snapshots.</summary>
    [Required]
    public string Path { get; set; } = "data/store";

    /// <summary>Collections with at least this many rows get an HNSW graph; smaller ones are searched exactly.</summary>
    [Range(1, int.MaxValue)]
    public int HnswThreshold { get; set; } = 20_000;

    /// <summary>A label with at most this many rows is searched exactly over its rows, even when a graph exists.</summary>
    [Range(0, int.MaxValue)]
    public int ExactFilterLimit { get; set; } = 20_000;

    /// <summary>Changes after which the HNSW graph is saved again, so a restart replays few rows.</summary>
    [Range(1, int.MaxValue)]
    public int SnapshotEveryChanges { get; set; } = 100_000;

    /// <summary>Full (an acknowledged upsert is fsynced: it survives power loss) by default; Normal survives kill -9 only.</summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>Writer (one per folder, holds its lock) or Follower (read-only, follows the writer's commits).</summary>
    public EmbeddedStoreRole Role { get; set; } = EmbeddedStoreRole.Writer;

    /// <summary>How often a follower looks for the writer's new commits.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan FollowInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public HnswOptions Hnsw { get; set; } = new();
}
