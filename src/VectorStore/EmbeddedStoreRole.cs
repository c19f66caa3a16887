namespace ImageSearch.VectorStore;

/// <summary>What a process does with an embedded store folder (<c>VectorStore:Embedded:Role</c>).</summary>
public enum EmbeddedStoreRole
{
    /// <summary>Reads and writes; holds the folder's writer lock, so a second writer is refused at start.</summary>
    Writer,

    /// <summary>Read-only: opens the writer's database without the lock and applies its commits every <c>FollowInterval</c>.</summary>
    Follower,
}
