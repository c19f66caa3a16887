namespace ImageSearch.QueryApi.Insert;

/// <summary>Where one image of a queued insert stands; stored in SQLite as its number, so the values must not change.</summary>
public enum InsertState
{
    Pending = 0,
    Stored = 1,
    DeadLettered = 2,
}
