using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The source of truth of the embedded store: one SQLite file in WAL mode holding collections, records (vectors as
/// float32 BLOBs) and recent deletions, each change stamped with a per-collection sequence number so an index
/// snapshot can tell which changes it has not seen. One connection, used by one writer at a time.
/// </summary>
internal sealed class SqliteRecordStore : IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS collections(
            name TEXT PRIMARY KEY, dimension INTEGER NOT NULL, metric TEXT NOT NULL, model TEXT NOT NULL,
            hnsw_m INTEGER NOT NULL, hnsw_ef_construction INTEGER NOT NULL, hnsw_quantization TEXT NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS records(
            collection TEXT NOT NULL, id INTEGER NOT NULL, seq INTEGER NOT NULL,
            path TEXT NOT NULL, label TEXT, vector BLOB NOT NULL, PRIMARY KEY(collection, id));
        CREATE INDEX IF NOT EXISTS records_by_seq ON records(collection, seq);
        CREATE TABLE IF NOT EXISTS deletions(
            collection TEXT NOT NULL, id INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(collection, id));
        """;

    private readonly SqliteConnection _connection;

    public SqliteRecordStore(string file, SqliteSynchronous synchronous)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        _connection.Open();
        // WAL: a commit is an append to the -wal file. Synchronous NORMAL skips the fsync at each commit: the appended
        // frames sit in the OS page cache, which survives the process being killed (kill -9) but not power loss; FULL
        // also survives power loss at the price of one fsync per batch.
        // A 512-d row is ~2.1 KB: 4 KB pages hold one row each (half empty); 16 KB pages hold seven. Only takes effect
        // on a new database, before WAL is switched on.
        Execute("PRAGMA page_size=16384;");
        Execute($"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout=5000;");
        Execute(Schema);
    }

    public IReadOnlyList<StoredCollection> Collections()
    {
        using var command = Command("SELECT name, dimension, metric, model, hnsw_m, hnsw_ef_construction, hnsw_quantization, last_seq FROM collections");
        using var reader = command.ExecuteReader();
        List<StoredCollection> result = [];
        while (reader.Read())
            result.Add(new StoredCollection(reader.GetString(0), reader.GetInt32(1), Enum.Parse<DistanceMetric>(reader.GetString(2)),
                reader.GetString(3), new HnswParameters(reader.GetInt32(4), reader.GetInt32(5), Enum.Parse<HnswQuantization>(reader.GetString(6))),
                reader.GetInt64(7)));
        return result;
    }

    public void CreateCollection(StoredCollection c) =>
        Execute("INSERT INTO collections(name, dimension, metric, model, hnsw_m, hnsw_ef_construction, hnsw_quantization) VALUES($n, $d, $metric, $model, $m, $efc, $q)",
            ("$n", c.Name), ("$d", c.Dimension), ("$metric", c.Metric.ToString()), ("$model", c.Model),
            ("$m", c.Hnsw.M), ("$efc", c.Hnsw.EfConstruction), ("$q", c.Hnsw.Quantization.ToString()));

    public void DropCollection(string name)
    {
        using var tx = _connection.BeginTransaction();
        foreach (var table in new[] { "records", "deletions" })
            Execute($"DELETE FROM {table} WHERE collection = $c", ("$c", name));
        Execute("DELETE FROM collections WHERE name = $c", ("$c", name));
        tx.Commit();
    }

    /// <summary>Writes the batch in one transaction; returns the collection's new last sequence number.</summary>
    public long Upsert(string collection, long lastSequence, IReadOnlyList<VectorRecord> records)
    {
        using var tx = _connection.BeginTransaction();
        using var upsert = Command("""
            INSERT INTO records(collection, id, seq, path, label, vector) VALUES($c, $id, $seq, $path, $label, $vector)
            ON CONFLICT(collection, id) DO UPDATE SET seq = excluded.seq, path = excluded.path, label = excluded.label, vector = excluded.vector
            """);
        var (c, id, seq, path, label, vector) = (upsert.Parameters.AddWithValue("$c", collection), upsert.Parameters.Add("$id", SqliteType.Integer),
            upsert.Parameters.Add("$seq", SqliteType.Integer), upsert.Parameters.Add("$path", SqliteType.Text),
            upsert.Parameters.Add("$label", SqliteType.Text), upsert.Parameters.Add("$vector", SqliteType.Blob));
        foreach (var r in records)
        {
            (id.Value, seq.Value, path.Value, label.Value) = (r.Id, ++lastSequence, r.Path, (object?)r.Label ?? DBNull.Value);
            vector.Value = MemoryMarshal.AsBytes(r.Vector.AsSpan()).ToArray();
            upsert.ExecuteNonQuery();
        }
        Execute("DELETE FROM deletions WHERE collection = $c AND id IN (SELECT value FROM json_each($ids))",
            ("$c", collection), ("$ids", IdsJson(records.Select(r => r.Id))));
        SetLastSequence(collection, lastSequence);
        tx.Commit();
        return lastSequence;
    }

    /// <summary>Deletes in one transaction and records each deletion for snapshot replay; returns the new last sequence.</summary>
    public long Delete(string collection, long lastSequence, IReadOnlyList<long> ids)
    {
        using var tx = _connection.BeginTransaction();
        foreach (var id in ids)
        {
            if (Execute("DELETE FROM records WHERE collection = $c AND id = $id", ("$c", collection), ("$id", id)) == 0)
                continue;
            Execute("INSERT OR REPLACE INTO deletions(collection, id, seq) VALUES($c, $id, $seq)", ("$c", collection), ("$id", id), ("$seq", ++lastSequence));
        }
        SetLastSequence(collection, lastSequence);
        tx.Commit();
        return lastSequence;
    }

    /// <summary>Streams the collection's records with <c>seq &gt; afterSequence</c>; the span is only valid during the callback.</summary>
    public void ReadRecords(string collection, long afterSequence, RecordVisitor visit)
    {
        using var command = Command("SELECT id, path, label, vector FROM records WHERE collection = $c AND seq > $after",
            ("$c", collection), ("$after", afterSequence));
        using var reader = command.ExecuteReader();
        var buffer = Array.Empty<byte>();
        while (reader.Read())
        {
            var length = (int)reader.GetBytes(3, 0, null, 0, 0);
            if (buffer.Length < length)
                buffer = new byte[length];
            reader.GetBytes(3, 0, buffer, 0, length);
            visit(reader.GetInt64(0), MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, length)), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2));
        }
    }

    public IReadOnlyList<long> DeletedAfter(string collection, long afterSequence)
    {
        using var command = Command("SELECT id FROM deletions WHERE collection = $c AND seq > $after", ("$c", collection), ("$after", afterSequence));
        using var reader = command.ExecuteReader();
        List<long> ids = [];
        while (reader.Read())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    public long CountRecords(string collection)
    {
        using var command = Command("SELECT count(*) FROM records WHERE collection = $c", ("$c", collection));
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Deletions a snapshot already contains are not needed for replay any more.</summary>
    public void ForgetDeletions(string collection, long upToSequence) =>
        Execute("DELETE FROM deletions WHERE collection = $c AND seq <= $s", ("$c", collection), ("$s", upToSequence));

    private void SetLastSequence(string collection, long lastSequence) =>
        Execute("UPDATE collections SET last_seq = $s WHERE name = $c", ("$s", lastSequence), ("$c", collection));

    private static string IdsJson(IEnumerable<long> ids) => "[" + string.Join(",", ids) + "]";

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    public void Dispose() => _connection.Dispose();
}

internal delegate void RecordVisitor(long id, ReadOnlySpan<float> vector, string path, string? label);
