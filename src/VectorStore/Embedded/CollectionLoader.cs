using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// Builds one collection's in-memory index from SQLite: every row into the arena, then the HNSW graph from its snapshot
/// (later changes replayed) or built afresh. The writer opens its collections this way at start; a follower also for
/// each collection the writer creates (or drops and creates again) while it runs.
/// </summary>
internal sealed class CollectionLoader(SqliteRecordStore database, IndexSnapshot snapshots, EmbeddedStoreOptions options, ILogger logger)
{
    public CollectionIndex Open(StoredCollection meta)
    {
        var timer = Stopwatch.StartNew();
        var index = new CollectionIndex(meta, options);
        try
        {
            database.ReadRecords(meta.Name, -1, (id, vector, path, label) => index.Arena.Upsert(id, vector, path, label));
            var loaded = timer.Elapsed;
            if (index.Arena.Count >= options.HnswThreshold)
                index.AttachGraph(snapshots.TryRestore(index, options.Hnsw.EfSearch) ?? index.BuildGraph());
            logger.LogInformation("Opened collection {Collection}: {Count} rows read in {LoadMs} ms, index ready in {ReadyMs} ms ({Kind})",
                meta.Name, index.Arena.Count, (long)loaded.TotalMilliseconds, timer.ElapsedMilliseconds, index.Graph is null ? "exact" : "HNSW");
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }
}
