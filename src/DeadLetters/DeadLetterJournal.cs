using ImageSearch.Contracts;
using Microsoft.Data.Sqlite;

namespace ImageSearch.DeadLetters;

/// <summary>
/// The dead letters of the pipeline in one SQLite file (WAL, so the CLI and the HTTP API read while the recorder writes).
/// A row is keyed by image, collection and attempt: a redelivered dead letter is recorded once, and an image that
/// fails again after a replay gets a new row with its next attempt number. Only writing creates the file: reading a
/// journal that does not exist finds nothing (and <see cref="Exists"/> says so) instead of leaving an empty one behind.
/// </summary>
public sealed class DeadLetterJournal
{
    private readonly string _connectionString;
    private readonly string _createConnectionString;
    private readonly TimeSpan? _replayedRetention;
    private readonly Lazy<Task> _schema;

    /// <param name="replayedRetention">Replayed dead letters older than this are deleted on every write; null keeps them.</param>
    public DeadLetterJournal(string path, TimeSpan? replayedRetention = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        // Default Timeout doubles as SQLite's busy timeout: writers from several processes wait for each other.
        var connection = new SqliteConnectionStringBuilder { DataSource = full, DefaultTimeout = 30, Pooling = true, Mode = SqliteOpenMode.ReadWrite };
        _connectionString = connection.ToString();
        connection.Mode = SqliteOpenMode.ReadWriteCreate;
        _createConnectionString = connection.ToString();
        _replayedRetention = replayedRetention;
        _schema = new Lazy<Task>(() => ExecuteAsync(JournalSql.Schema, CancellationToken.None));
        Path = full;
    }

    public string Path { get; }

    /// <summary>Whether the journal's file exists: nothing has been recorded here while it does not.</summary>
    public bool Exists => System.IO.Path.Exists(Path);

    /// <summary>Writes the dead letters in one transaction; ones already recorded are left as they are.</summary>
    public async Task RecordAsync(IReadOnlyCollection<ImageDeadLettered> deadLetters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenForWriteAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.CommandText = JournalSql.Insert;
        foreach (var letter in deadLetters)
        {
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$imageId", letter.ImageId);
            insert.Parameters.AddWithValue("$collection", letter.Collection ?? "");
            insert.Parameters.AddWithValue("$attempts", letter.Attempts);
            insert.Parameters.AddWithValue("$path", letter.Path);
            insert.Parameters.AddWithValue("$label", (object?)letter.Label ?? DBNull.Value);
            insert.Parameters.AddWithValue("$stage", letter.Stage.ToString());
            insert.Parameters.AddWithValue("$reason", letter.Reason.ToString());
            insert.Parameters.AddWithValue("$message", letter.Message);
            insert.Parameters.AddWithValue("$time", letter.Time.ToUnixTimeMilliseconds());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await PruneReplayedAsync(connection, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Open and replayed dead letters per reason, most frequent first.</summary>
    public async Task<IReadOnlyList<ReasonCount>> CountByReasonAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenForReadAsync(cancellationToken);
        if (connection is null)
            return [];
        await using var command = connection.CreateCommand();
        command.CommandText = JournalSql.CountByReason;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<ReasonCount>();
        while (await reader.ReadAsync(cancellationToken))
            counts.Add(new ReasonCount(Enum.Parse<DeadLetterReason>(reader.GetString(0)), reader.GetInt64(1), reader.GetInt64(2)));
        return counts;
    }

    /// <summary>
    /// One page of dead letters in journal order, after <paramref name="afterId"/> (0 for the first page; then the last entry's id).
    /// </summary>
    /// <param name="reason">Only this reason; null for all.</param>
    /// <param name="includeReplayed">Also list dead letters already replayed.</param>
    /// <param name="upToId">Ignore entries recorded after this one (a replay stops at what existed when it began).</param>
    public async Task<IReadOnlyList<DeadLetterEntry>> ListAsync(
        DeadLetterReason? reason, long afterId, int limit, CancellationToken cancellationToken,
        bool includeReplayed = false, long upToId = long.MaxValue)
    {
        await using var connection = await OpenForReadAsync(cancellationToken);
        if (connection is null)
            return [];
        await using var command = connection.CreateCommand();
        command.CommandText = JournalSql.List;
        command.Parameters.AddWithValue("$reason", (object?)reason?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("$afterId", afterId);
        command.Parameters.AddWithValue("$upToId", upToId);
        command.Parameters.AddWithValue("$includeReplayed", includeReplayed);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<DeadLetterEntry>(Math.Min(limit, 1024));
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(ReadEntry(reader));
        return entries;
    }

    /// <summary>
    /// The dead letters of these images recorded since <paramref name="since"/>, one per image (the latest), for following
    /// a batch of inserts. Looks the ids up through the journal's key, so the cost follows the ids asked, not the journal.
    /// </summary>
    public async Task<IReadOnlyList<(long ImageId, DeadLetterReason Reason)>> FindAsync(
        IReadOnlyCollection<long> imageIds, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var found = new List<(long, DeadLetterReason)>();
        await using var connection = imageIds.Count == 0 ? null : await OpenForReadAsync(cancellationToken);
        if (connection is null)
            return found;
        await using var command = connection.CreateCommand();
        command.CommandText = JournalSql.FindSince;
        command.Parameters.AddWithValue("$ids", string.Join(',', imageIds));
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            found.Add((reader.GetInt64(0), Enum.Parse<DeadLetterReason>(reader.GetString(1))));
        return found;
    }

    /// <summary>Id of the newest entry, 0 when the journal is empty.</summary>
    public async Task<long> LastIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenForReadAsync(cancellationToken);
        if (connection is null)
            return 0;
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(id), 0) FROM dead_letters";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task MarkReplayedAsync(IReadOnlyCollection<long> ids, DateTimeOffset when, CancellationToken cancellationToken)
    {
        await using var connection = await OpenForWriteAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE dead_letters SET replayed_at = $when WHERE id = $id";
        foreach (var id in ids)
        {
            update.Parameters.Clear();
            update.Parameters.AddWithValue("$when", when.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$id", id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await PruneReplayedAsync(connection, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static DeadLetterEntry ReadEntry(SqliteDataReader r) => new(
        Id: r.GetInt64(0),
        ImageId: r.GetInt64(1),
        Collection: r.GetString(2) is { Length: > 0 } collection ? collection : null,
        Attempts: r.GetInt32(3),
        Path: r.GetString(4),
        Label: r.IsDBNull(5) ? null : r.GetString(5),
        Stage: Enum.Parse<PipelineStage>(r.GetString(6)),
        Reason: Enum.Parse<DeadLetterReason>(r.GetString(7)),
        Message: r.GetString(8),
        Time: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
        ReplayedAt: r.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10)));

    private async Task PruneReplayedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (_replayedRetention is not { } retention)
            return;
        await using var prune = connection.CreateCommand();
        prune.CommandText = JournalSql.PruneReplayed;
        prune.Parameters.AddWithValue("$before", (DateTimeOffset.UtcNow - retention).ToUnixTimeMilliseconds());
        await prune.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenForWriteAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await _schema.Value.WaitAsync(cancellationToken);
        return await OpenAsync(_connectionString, cancellationToken);
    }

    /// <returns>Null when the journal does not exist (nothing recorded yet): reading never creates it.</returns>
    private async Task<SqliteConnection?> OpenForReadAsync(CancellationToken cancellationToken)
    {
        if (!Exists)
            return null;
        await _schema.Value.WaitAsync(cancellationToken);
        return await OpenAsync(_connectionString, cancellationToken);
    }

    private static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    // Creates the file when missing: run first by a writer, or by a reader once the file exists (adding what an older file lacks).
    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_createConnectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
