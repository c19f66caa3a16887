using ImageSearch.Contracts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ImageSearch.QueryApi.Insert;

/// <summary>
/// What is known about each queued insert, in SQLite (<see cref="QueryApiOptions.TrackingPath"/>): one row per image with
/// its state (pending, stored, dead-lettered). Nothing is held in memory and nothing runs between polls; a status request
/// resolves a bounded number of still-pending images (<see cref="InsertProgress"/>), so a batch of 100,000 costs the
/// same per poll as a batch of 100, and the total work over the batch's life is one check per image.
/// </summary>
public sealed class InsertTracking
{
    private readonly string _connectionString;

    public InsertTracking(IOptions<QueryApiOptions> options)
    {
        var path = Path.GetFullPath(options.Value.TrackingPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, created INTEGER NOT NULL, collection TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS items (
                batch TEXT NOT NULL, image_id INTEGER NOT NULL, state INTEGER NOT NULL DEFAULT 0, reason TEXT,
                PRIMARY KEY (batch, image_id)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS items_by_state ON items (batch, state);
            """);
    }

    /// <summary>Records a new batch and its images (duplicates counted once); returns its tracking id.</summary>
    public string Create(string collection, IEnumerable<long> imageIds, DateTimeOffset created)
    {
        var id = Guid.NewGuid().ToString("N");
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using (var batch = connection.CreateCommand())
        {
            batch.CommandText = "INSERT INTO batches (id, created, collection) VALUES ($id, $created, $collection)";
            batch.Parameters.AddWithValue("$id", id);
            batch.Parameters.AddWithValue("$created", created.ToUnixTimeMilliseconds());
            batch.Parameters.AddWithValue("$collection", collection);
            batch.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT OR IGNORE INTO items (batch, image_id) VALUES ($batch, $imageId)";
        var imageParameter = insert.Parameters.Add("$imageId", SqliteType.Integer);
        insert.Parameters.AddWithValue("$batch", id);
        foreach (var imageId in imageIds)
        {
            imageParameter.Value = imageId;
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
        return id;
    }

    /// <summary>The batch's creation time and collection, or null when the id is unknown.</summary>
    public (DateTimeOffset Created, string Collection)? Find(string batch)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT created, collection FROM batches WHERE id = $id";
        command.Parameters.AddWithValue("$id", batch);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1)) : null;
    }

    /// <summary>Up to <paramref name="limit"/> pending images with ids above <paramref name="afterId"/>, in id order.</summary>
    public IReadOnlyList<long> PendingIds(string batch, long afterId, int limit)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT image_id FROM items WHERE batch = $batch AND state = $pending AND image_id > $after ORDER BY image_id LIMIT $limit";
        command.Parameters.AddWithValue("$batch", batch);
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$pending", (int)InsertState.Pending);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    public void Resolve(string batch, IReadOnlyCollection<(long ImageId, InsertState State, DeadLetterReason? Reason)> resolved)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE items SET state = $state, reason = $reason WHERE batch = $batch AND image_id = $imageId";
        update.Parameters.AddWithValue("$batch", batch);
        var state = update.Parameters.Add("$state", SqliteType.Integer);
        var reason = update.Parameters.Add("$reason", SqliteType.Text);
        var image = update.Parameters.Add("$imageId", SqliteType.Integer);
        foreach (var item in resolved)
        {
            (state.Value, reason.Value, image.Value) = ((int)item.State, (object?)item.Reason?.ToString() ?? DBNull.Value, item.ImageId);
            update.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>Images per state, and dead letters per reason.</summary>
    public (long Pending, long Stored, long DeadLettered, IReadOnlyDictionary<string, long> Reasons) Counts(string batch)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, COALESCE(reason, ''), COUNT(*) FROM items WHERE batch = $batch GROUP BY state, reason";
        command.Parameters.AddWithValue("$batch", batch);
        using var reader = command.ExecuteReader();
        long pending = 0, stored = 0, dead = 0;
        var reasons = new Dictionary<string, long>();
        while (reader.Read())
        {
            var count = reader.GetInt64(2);
            switch ((InsertState)reader.GetInt32(0))
            {
                case InsertState.Pending: pending += count; break;
                case InsertState.Stored: stored += count; break;
                default: dead += count; reasons[reader.GetString(1)] = count; break;
            }
        }
        return (pending, stored, dead, reasons);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
