using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// Builds one collection's in-memory index from SQLite: every row into the arena, then the HNSW graph from its snapshot
/// (rows changed since go back to growing); then starts its <see cref="GraphBuilder"/>, which indexes every row the graph
/// lacks in the background, so a collection is searchable (exactly, where not yet indexed) as soon as its rows are read.
/// The writer opens its collections this way at start; a follower also for each collection the writer creates (or drops
/// and creates again) while it runs. <paramref name="saveSnapshot"/> is the writer's; followers never save.
/// </summary>
internal sealed class CollectionLoader(
    SqliteRecordStore database, IndexSnapshot snapshots, EmbeddedStoreOptions options, ILogger logger, Func<CollectionIndex, bool>? saveSnapshot)
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
                snapshots.TryRestore(index, options.Hnsw.EfSearch);
            logger.LogInformation("Opened collection {Collection}: {Count} rows read in {LoadMs} ms, {Sealed} in the restored graph after {ReadyMs} ms, the rest indexed in the background",
                meta.Name, index.Arena.Count, (long)loaded.TotalMilliseconds, index.Arena.Sealed, timer.ElapsedMilliseconds);
            index.StartBuilding(logger, saveSnapshot);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }
}
