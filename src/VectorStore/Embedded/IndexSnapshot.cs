using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Embedded;

/// <summary>
/// Saves a collection's HNSW graph beside the database and restores it at start, so a large collection does not
/// rebuild its graph. The header records the sequence number the graph reflects: a snapshot is used only when its
/// parameters match and its sequence is not ahead of SQLite's; the rows changed or deleted after it are replayed,
/// and if the counts still disagree the graph is rebuilt. A stale or foreign snapshot is never trusted.
/// Only the writer saves (and forgets deletions); followers only restore, so their sequence numbers never reach a header.
/// </summary>
internal sealed class IndexSnapshot(string directory, SqliteRecordStore database, ILogger logger)
{
    private sealed record Header(long Sequence, int Count, int Dimension, DistanceMetric Metric, HnswParameters Hnsw, string GraphFile);

    /// <summary>Sequence number of the newest snapshot of each collection (saved or restored in this process).</summary>
    private readonly Dictionary<string, long> _saved = new(StringComparer.Ordinal);

    /// <summary>Saves when the graph changed by at least <paramref name="everyChanges"/> since its last snapshot, or never had one.</summary>
    public void SaveIfDue(CollectionIndex index, int everyChanges)
    {
        if (!_saved.TryGetValue(index.Meta.Name, out var last) || index.Meta.LastSequence - last >= everyChanges)
            SaveIfChanged(index);
    }

    /// <summary>Saves unless the newest snapshot already reflects the collection. Call with no writer active.</summary>
    public void SaveIfChanged(CollectionIndex index)
    {
        if (index.Graph is null || _saved.GetValueOrDefault(index.Meta.Name, -1) == index.Meta.LastSequence)
            return;
        Save(index);
        database.ForgetDeletions(index.Meta.Name, index.Meta.LastSequence);
        _saved[index.Meta.Name] = index.Meta.LastSequence;
    }

    /// <summary>Writes the graph, then atomically replaces the header that points at it.</summary>
    private void Save(CollectionIndex index)
    {
        var meta = index.Meta;
        var graphFile = $"{meta.Name}.{meta.LastSequence}.usearch";
        var (count, graph) = index.Read(() => (index.Arena.Count, index.Graph));
        if (graph is null)
            return;
        index.Read(() => { graph.Save(Path.Combine(directory, graphFile)); return 0; });
        var header = new Header(meta.LastSequence, count, meta.Dimension, meta.Metric, meta.Hnsw, graphFile);
        var headerFile = HeaderFile(meta.Name);
        File.WriteAllText(headerFile + ".tmp", JsonSerializer.Serialize(header));
        File.Move(headerFile + ".tmp", headerFile, overwrite: true);
        foreach (var old in Directory.EnumerateFiles(directory, $"{meta.Name}.*.usearch"))
            if (Path.GetFileName(old) != graphFile)
                File.Delete(old);
        logger.LogInformation("Saved HNSW snapshot of {Collection}: {Count} rows at sequence {Sequence}", meta.Name, count, meta.LastSequence);
    }

    /// <summary>Loads the snapshot and replays later changes into it, or returns null when it must not be used.</summary>
    public HnswGraph? TryRestore(CollectionIndex index, int efSearch)
    {
        var meta = index.Meta;
        var headerFile = HeaderFile(meta.Name);
        if (!File.Exists(headerFile))
            return null;
        HnswGraph? graph = null;
        try
        {
            var header = JsonSerializer.Deserialize<Header>(File.ReadAllText(headerFile));
            var reason = header is null ? "unreadable header"
                : header.Sequence > meta.LastSequence ? $"snapshot sequence {header.Sequence} is ahead of the database's {meta.LastSequence}"
                : header.Sequence < meta.DeletionsKeptAfter ? $"deletions up to sequence {meta.DeletionsKeptAfter} were forgotten after a newer snapshot, which is lost"
                : header.Dimension != meta.Dimension || header.Metric != meta.Metric || header.Hnsw != meta.Hnsw ? "built with other parameters"
                : !File.Exists(Path.Combine(directory, header.GraphFile)) ? "graph file missing"
                : null;
            if (reason is not null)
            {
                logger.LogWarning("Ignoring HNSW snapshot of {Collection}: {Reason}", meta.Name, reason);
                return null;
            }
            graph = HnswGraph.Load(Path.Combine(directory, header!.GraphFile), meta.Dimension, meta.Metric, meta.Hnsw, efSearch);
            var replayed = 0;
            foreach (var id in database.DeletedAfter(meta.Name, header.Sequence))
                graph.Remove(id);
            var changed = new List<long>();
            database.ReadRecords(meta.Name, header.Sequence, (id, _, _, _) => changed.Add(id));
            graph.EnsureCapacity(graph.Count + changed.Count);
            foreach (var id in changed)
            {
                graph.Remove(id);
                // Arena and replay must come from one database snapshot; a row missing here means they did not.
                if (!index.Arena.TryGetRow(id, out var row))
                    throw new InvalidOperationException($"row {id} changed after the arena was read");
                graph.Add(id, index.Arena.VectorAt(row));
                replayed++;
            }
            if (graph.Count != index.Arena.Count)
            {
                logger.LogWarning("Ignoring HNSW snapshot of {Collection}: {GraphCount} rows after replay, database has {Count}",
                    meta.Name, graph.Count, index.Arena.Count);
                graph.Dispose();
                return null;
            }
            logger.LogInformation("Restored HNSW snapshot of {Collection} at sequence {Sequence}, replayed {Replayed} changes",
                meta.Name, header.Sequence, replayed);
            _saved[meta.Name] = header.Sequence;
            return graph;
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
        {
            logger.LogWarning(e, "Ignoring unreadable HNSW snapshot of {Collection}", meta.Name);
            graph?.Dispose();
            return null;
        }
    }

    public void Delete(string collection)
    {
        _saved.Remove(collection);
        File.Delete(HeaderFile(collection));
        foreach (var file in Directory.EnumerateFiles(directory, $"{collection}.*.usearch"))
            File.Delete(file);
    }

    private string HeaderFile(string collection) => Path.Combine(directory, $"{collection}.snapshot.json");
}
