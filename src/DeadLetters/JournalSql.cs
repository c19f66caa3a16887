namespace ImageSearch.DeadLetters;

/// <summary>The journal's SQL, kept apart from the C# that runs it.</summary>
internal static class JournalSql
{
    // WAL is a property of the file: set once, every later connection (CLI, API, recorder) gets it.
    // Times are Unix milliseconds; collection '' stands for the default collection so that it can be part of the key.
    public const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS dead_letters (
            id          INTEGER PRIMARY KEY,
            image_id    INTEGER NOT NULL,
            collection  TEXT    NOT NULL,
            attempts    INTEGER NOT NULL,
            path        TEXT    NOT NULL,
            label       TEXT,
            stage       TEXT    NOT NULL,
            reason      TEXT    NOT NULL,
            message     TEXT    NOT NULL,
            time        INTEGER NOT NULL,
            replayed_at INTEGER,
            UNIQUE (image_id, collection, attempts));
        CREATE INDEX IF NOT EXISTS dead_letters_by_reason ON dead_letters (reason, id);
        CREATE INDEX IF NOT EXISTS dead_letters_replayed ON dead_letters (replayed_at) WHERE replayed_at IS NOT NULL;
        """;

    // Through the partial index above: the cost follows the rows deleted, not the journal, so it runs on every write.
    public const string PruneReplayed = "DELETE FROM dead_letters WHERE replayed_at IS NOT NULL AND replayed_at < $before;";

    // A redelivery (same key, not replayed since) changes nothing. The same key failing again after it was replayed
    // (the image was published afresh, with attempt 1 again) reopens the row with the new failure.
    public const string Insert = """
        INSERT INTO dead_letters (image_id, collection, attempts, path, label, stage, reason, message, time)
        VALUES ($imageId, $collection, $attempts, $path, $label, $stage, $reason, $message, $time)
        ON CONFLICT (image_id, collection, attempts) DO UPDATE SET
            path = excluded.path, label = excluded.label, stage = excluded.stage, reason = excluded.reason,
            message = excluded.message, time = excluded.time, replayed_at = NULL
        WHERE dead_letters.replayed_at IS NOT NULL AND excluded.time > dead_letters.replayed_at;
        """;

    public const string CountByReason = """
        SELECT reason, SUM(replayed_at IS NULL), SUM(replayed_at IS NOT NULL)
        FROM dead_letters GROUP BY reason ORDER BY 2 DESC, 3 DESC, reason;
        """;

    public const string List = """
        SELECT id, image_id, collection, attempts, path, label, stage, reason, message, time, replayed_at
        FROM dead_letters
        WHERE id > $afterId AND id <= $upToId
          AND ($reason IS NULL OR reason = $reason)
          AND ($includeReplayed OR replayed_at IS NULL)
        ORDER BY id LIMIT $limit;
        """;

    // The ids arrive as one comma-separated parameter (no SQL built from strings, no limit on the number of ids);
    // json_each splits it and the lookup uses the (image_id, collection, attempts) key. With MAX(), SQLite takes the
    // bare column (reason) from the row holding the maximum: the latest failure of each image.
    public const string FindSince = """
        SELECT d.image_id, d.reason, MAX(d.time) FROM dead_letters d
        WHERE d.image_id IN (SELECT value FROM json_each('[' || $ids || ']')) AND d.time >= $since
        GROUP BY d.image_id;
        """;
}
