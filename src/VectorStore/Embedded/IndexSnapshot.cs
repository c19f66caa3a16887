using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// Saves a collection's HNSW graph (a file per shard) beside the database and restores it at start, so a large
/// collection does not rebuild its graph. The graph is derived state: SQLite alone holds the rows. The header records
/// the change sequence the graph reflects; the graph then holds only sealed rows, each with the vector it had at that
/// sequence (rows still growing were simply not in it). At start the graph is used only when its parameters match and
/// its sequence is not ahead of SQLite's; rows deleted or changed after it leave the graph, every other row it holds is
/// sealed, and the rest (growing at the save, or changed since) are indexed again in the background. A snapshot holding
/// anything else is not used. Only the writer saves (from its builder thread, or on shutdown once the builder stopped);
/// followers only restore.
/// </summary>
internal sealed class IndexSnapshot(string directory, SqliteRecordStore database, ILogger logger)
{
    /// <param name="GraphFile">The one graph of a snapshot saved before graphs had shards.</param>
    /// <param name="ProjectionFile">The graph's <see cref="GraphProjection"/>, for a collection whose graph holds projections.</param>
    /// <param name="GraphFiles">The graph's shards, in order.</param>
    private sealed record Header(long Sequence, int Count, int Dimension, DistanceMetric Metric, HnswParameters Hnsw, string? GraphFile,
        string? ProjectionFile = null, string[]? GraphFiles = null)
    {
        public string[] Shards => GraphFiles ?? (GraphFile is null ? [] : [GraphFile]);
    }

    /// <summary>
    /// Writes each shard under a new file name, then atomically replaces the header that points at them; returns the
    /// sequence the snapshot reflects (deletions up to it are no longer needed), or null when there is no graph yet.
    /// </summary>
    public long? Save(CollectionIndex index)
    {
        if (index.Freeze() is not var (graph, sequence, count) || index.Snapshot == (sequence, count))
            return null; // no graph, or the newest snapshot already holds it (same sequence, same rows sealed)
        var meta = index.Meta;
        var stem = $"{meta.Name}.{sequence}.{DateTime.UtcNow.Ticks}";
        var graphFiles = graph.Shards.Select((_, i) => $"{stem}.{i}.usearch").ToArray();
        var projectionFile = graph.Projection is null ? null : $"{stem}.projection";
        for (var i = 0; i < graphFiles.Length; i++)
            graph.Shards[i].Save(Path.Combine(directory, graphFiles[i]));
        if (projectionFile is not null)
            graph.Projection!.Save(Path.Combine(directory, projectionFile));
        var header = new Header(sequence, count, meta.Dimension, meta.Metric, meta.Hnsw, null, projectionFile, graphFiles);
        var headerFile = HeaderFile(meta.Name);
        File.WriteAllText(headerFile + ".tmp", JsonSerializer.Serialize(header));
        File.Move(headerFile + ".tmp", headerFile, overwrite: true);
        foreach (var old in SnapshotFiles(meta.Name))
            if (Path.GetFileName(old) is var name && !graphFiles.Contains(name) && name != projectionFile)
                File.Delete(old);
        index.Snapshot = (sequence, count);
        logger.LogInformation("Saved HNSW snapshot of {Collection}: {Count} rows at sequence {Sequence}", meta.Name, count, sequence);
        return sequence;
    }

    /// <summary>Loads the snapshot into <paramref name="index"/> (its arena read from SQLite); false when it must not be used.</summary>
    public bool TryRestore(CollectionIndex index, int efSearch)
    {
        var meta = index.Meta;
        var headerFile = HeaderFile(meta.Name);
        if (!File.Exists(headerFile))
            return false;
        ShardedGraph? graph = null;
        try
        {
            var header = JsonSerializer.Deserialize<Header>(File.ReadAllText(headerFile));
            var reason = header is null ? "unreadable header"
                : header.Sequence > meta.LastSequence ? $"snapshot sequence {header.Sequence} is ahead of the database's {meta.LastSequence}"
                : header.Sequence < meta.DeletionsKeptAfter ? $"deletions up to sequence {meta.DeletionsKeptAfter} were forgotten after a newer snapshot, which is lost"
                : header.Dimension != meta.Dimension || header.Metric != meta.Metric || header.Hnsw != meta.Hnsw ? "built with other parameters"
                : header.Shards.Length == 0 || !header.Shards.All(f => File.Exists(Path.Combine(directory, f))) ? "graph file missing"
                : header.ProjectionFile is not null && !File.Exists(Path.Combine(directory, header.ProjectionFile)) ? "projection file missing"
                : null;
            if (reason is not null)
            {
                logger.LogWarning("Ignoring HNSW snapshot of {Collection}: {Reason}", meta.Name, reason);
                return false;
            }
            var projection = header!.ProjectionFile is { } file ? GraphProjection.Load(Path.Combine(directory, file)) : null;
            var shards = new List<HnswGraph>();
            try
            {
                foreach (var shard in header.Shards)
                    shards.Add(HnswGraph.Load(Path.Combine(directory, shard), meta.Dimension, meta.Metric, meta.Hnsw, efSearch, projection));
            }
            catch
            {
                shards.ForEach(s => s.Dispose());
                throw;
            }
            graph = new ShardedGraph(index.NewShard(projection), shards);
            var left = database.DeletedAfter(meta.Name, header.Sequence).Count(graph.Remove);
            database.ReadRecords(meta.Name, header.Sequence, (id, _, _, _) => left += graph.Remove(id) ? 1 : 0);
            if (!index.AttachRestored(graph))
            {
                logger.LogWarning("Ignoring HNSW snapshot of {Collection}: it holds {GraphCount} rows, not all of them in the database",
                    meta.Name, graph.Count);
                graph.Dispose();
                return false;
            }
            index.Snapshot = (header.Sequence, header.Count);
            logger.LogInformation("Restored HNSW snapshot of {Collection} at sequence {Sequence}: {Count} rows, {Left} changed or deleted since",
                meta.Name, header.Sequence, graph.Count, left);
            return true;
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
        {
            logger.LogWarning(e, "Ignoring unreadable HNSW snapshot of {Collection}", meta.Name);
            graph?.Dispose();
            return false;
        }
    }

    public void Delete(string collection)
    {
        File.Delete(HeaderFile(collection));
        foreach (var file in SnapshotFiles(collection))
            File.Delete(file);
    }

    /// <summary>Graph and projection files of <paramref name="collection"/>'s snapshots (the header's and older ones).</summary>
    private IEnumerable<string> SnapshotFiles(string collection) =>
        Directory.EnumerateFiles(directory, $"{collection}.*.usearch").Concat(Directory.EnumerateFiles(directory, $"{collection}.*.projection")).ToArray();

    private string HeaderFile(string collection) => Path.Combine(directory, $"{collection}.snapshot.json");
}
