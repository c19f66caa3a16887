using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// The source of truth of the embedded store: one SQLite file in WAL mode holding collections, records (vectors as
/// float32 BLOBs) and recent deletions. Each change is stamped with a per-collection sequence number that only grows,
/// so an index snapshot and a follower can both ask for the changes they have not seen. The writer's connection creates
/// and migrates the schema; a follower's connection is read-only. Every call goes through <see cref="SqliteFailure"/>.
/// One connection, used by one thread at a time.
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

    /// <summary>
    /// Columns of <c>collections</c> added since the first schema, added to older files by the writer (0 in existing
    /// rows): <c>incarnation</c> tells a collection from one dropped and created again under its name;
    /// <c>deletions_kept_after</c> is the sequence up to which deletions were forgotten (a follower behind it cannot
    /// replay them and compares ids instead); <c>hnsw_dimensions</c> is <see cref="HnswParameters.Dimensions"/>, so a
    /// collection created before it keeps a graph of its full vectors.
    /// </summary>
    private static readonly string[] AddedColumns = ["incarnation", "deletions_kept_after", "hnsw_dimensions"];

    /// <summary>How long a statement waits for another connection's lock before failing with SQLITE_BUSY (an outage).</summary>
    private const int BusyTimeoutSeconds = 5;

    private readonly string _file;
    private readonly SqliteConnection _connection;

    /// <summary>The database file of the store folder <paramref name="directory"/>.</summary>
    public static string FileIn(string directory) => Path.Combine(directory, "store.db");

    private SqliteRecordStore(string file, SqliteOpenMode mode)
    {
        _file = file;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = BusyTimeoutSeconds, // Microsoft.Data.Sqlite retries a busy statement until this runs out (30 s by default)
        }.ToString());
    }

    /// <summary>Opens the database for the one writer, creating and migrating it as needed.</summary>
    public static SqliteRecordStore OpenWriter(string file, SqliteSynchronous synchronous) =>
        Open(file, SqliteOpenMode.ReadWriteCreate, store =>
        {
            // WAL: a commit is an append to the -wal file. FULL fsyncs it at each commit (one per batch), so an
            // acknowledged upsert survives power loss; NORMAL leaves it in the OS page cache, which survives kill -9 only.
            // A 512-d row is ~2.1 KB: 4 KB pages hold one row each (half empty); 16 KB pages hold seven. Only takes effect
            // on a new database, before WAL is switched on.
            store.Execute("PRAGMA page_size=16384;");
            store.Execute($"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous.ToString().ToUpperInvariant()};");
            store.Execute(Schema);
            var existing = store.Rows("SELECT name FROM pragma_table_info('collections')", r => r.GetString(0)).ToHashSet();
            foreach (var column in AddedColumns.Where(c => !existing.Contains(c)))
                store.Execute($"ALTER TABLE collections ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0");
        });

    /// <summary>Opens the writer's database read-only: a follower never writes, not even a checkpoint.</summary>
    public static SqliteRecordStore OpenFollower(string file) => Open(file, SqliteOpenMode.ReadOnly, _ => { });

    private static SqliteRecordStore Open(string file, SqliteOpenMode mode, Action<SqliteRecordStore> prepare)
    {
        var store = new SqliteRecordStore(file, mode);
        try
        {
            store.Guard(() =>
            {
                store._connection.Open();
                store.Execute($"PRAGMA busy_timeout={BusyTimeoutSeconds * 1000};");
                prepare(store);
            });
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public IReadOnlyList<StoredCollection> Collections() => Guard(() => Rows(
        "SELECT name, dimension, metric, model, hnsw_m, hnsw_ef_construction, hnsw_quantization, last_seq, incarnation, deletions_kept_after, hnsw_dimensions FROM collections",
        r => new StoredCollection(r.GetString(0), r.GetInt32(1), Enum.Parse<DistanceMetric>(r.GetString(2)), r.GetString(3),
            new HnswParameters(r.GetInt32(4), r.GetInt32(5), Enum.Parse<HnswQuantization>(r.GetString(6)), r.GetInt32(10)),
            r.GetInt64(7), r.GetInt64(8), r.GetInt64(9))));

    /// <summary>Runs <paramref name="read"/> on one snapshot of the database: what it reads agrees, however the writer commits meanwhile.</summary>
    public T InSnapshot<T>(Func<T> read) => Guard(() =>
    {
        using var snapshot = _connection.BeginTransaction(deferred: true);
        return read();
    });

    public void CreateCollection(StoredCollection c) => Guard(() => Execute(
        "INSERT INTO collections(name, dimension, metric, model, hnsw_m, hnsw_ef_construction, hnsw_quantization, hnsw_dimensions, incarnation) VALUES($n, $d, $metric, $model, $m, $efc, $q, $dims, $i)",
        ("$n", c.Name), ("$d", c.Dimension), ("$metric", c.Metric.ToString()), ("$model", c.Model), ("$m", c.Hnsw.M),
        ("$efc", c.Hnsw.EfConstruction), ("$q", c.Hnsw.Quantization.ToString()), ("$dims", c.Hnsw.Dimensions), ("$i", c.Incarnation)));

    public void DropCollection(string name) => Guard(() =>
    {
        using var tx = _connection.BeginTransaction();
        foreach (var table in new[] { "records", "deletions" })
            Execute($"DELETE FROM {table} WHERE collection = $c", ("$c", name));
        Execute("DELETE FROM collections WHERE name = $c", ("$c", name));
        tx.Commit();
    });

    /// <summary>Writes the batch in one transaction (one fsync under FULL); returns the collection's new last sequence number.</summary>
    public long Upsert(string collection, long lastSequence, IReadOnlyList<VectorRecord> records) => Guard(() =>
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
    });

    /// <summary>Deletes in one transaction and records each deletion for snapshot replay and followers; returns the new last sequence.</summary>
    public long Delete(string collection, long lastSequence, IReadOnlyList<long> ids) => Guard(() =>
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
    });

    /// <summary>Streams the collection's records with <c>seq &gt; afterSequence</c>; the span is only valid during the callback.</summary>
    public void ReadRecords(string collection, long afterSequence, RecordVisitor visit) => Guard(() =>
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
    });

    public IReadOnlyList<long> DeletedAfter(string collection, long afterSequence) => Guard(() =>
        Rows("SELECT id FROM deletions WHERE collection = $c AND seq > $after", r => r.GetInt64(0), ("$c", collection), ("$after", afterSequence)));

    /// <summary>Every id the collection holds.</summary>
    public IReadOnlyList<long> Ids(string collection) => Guard(() =>
        Rows("SELECT id FROM records WHERE collection = $c", r => r.GetInt64(0), ("$c", collection)));

    /// <summary>Deletions a snapshot already contains are not needed for replay any more; followers behind them are told.</summary>
    public void ForgetDeletions(string collection, long upToSequence) => Guard(() =>
    {
        using var tx = _connection.BeginTransaction();
        Execute("DELETE FROM deletions WHERE collection = $c AND seq <= $s", ("$c", collection), ("$s", upToSequence));
        Execute("UPDATE collections SET deletions_kept_after = max(deletions_kept_after, $s) WHERE name = $c", ("$s", upToSequence), ("$c", collection));
        tx.Commit();
    });

    private void SetLastSequence(string collection, long lastSequence) =>
        Execute("UPDATE collections SET last_seq = $s WHERE name = $c", ("$s", lastSequence), ("$c", collection));

    private static string IdsJson(IEnumerable<long> ids) => "[" + string.Join(",", ids) + "]";

    private T Guard<T>(Func<T> operation) => SqliteFailure.Guard(_file, operation);

    private void Guard(Action operation) => SqliteFailure.Guard(_file, operation);

    private List<T> Rows<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        List<T> result = [];
        while (reader.Read())
            result.Add(read(reader));
        return result;
    }

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
