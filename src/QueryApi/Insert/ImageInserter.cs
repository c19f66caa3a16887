using ImageSearch.Contracts;
using ImageSearch.Embedding;
using ImageSearch.QueryApi.Metrics;
using ImageSearch.VectorStore;

namespace ImageSearch.QueryApi.Insert;

/// <summary>
/// The synchronous insert: embeds the files with the shared core (allowed roots, limits, decoding), then upserts the
/// good ones in one store call. Ids come from <see cref="ImageIds"/>, as for the ingestor, so inserting an image that
/// was also ingested updates one row.
/// </summary>
public sealed class ImageInserter(ImageEmbedder embedder, IVectorStore store, ActiveCollection collection, ApiMetrics metrics)
{
    public async Task<IReadOnlyList<InsertOutcome>> InsertAsync(IReadOnlyList<InsertItem> items, CancellationToken cancellationToken)
    {
        var embedded = await embedder.EmbedFilesAsync(items.Select(i => i.Path).ToList(), cancellationToken);
        var outcomes = items.Select((item, i) => new InsertOutcome(item, ImageIds.FromPath(item.Path), embedded[i].Reason, embedded[i].Error)).ToList();
        var records = outcomes.Select((o, i) => (o, embedded[i].Vector))
            .Where(x => x.Vector is not null)
            .Select(x => new VectorRecord(x.o.Id, x.Vector!, Path.GetFullPath(x.o.Item.Path), x.o.Item.Label))
            .ToList();
        if (records.Count > 0)
        {
            await collection.EnsureAsync(cancellationToken);
            await store.UpsertAsync(collection.Name, records, cancellationToken);
            metrics.Stored(records.Count);
        }
        foreach (var failed in outcomes.Where(o => o.Reason is not null))
            metrics.Rejected(failed.Reason!.Value);
        return outcomes;
    }
}

/// <param name="Reason">Null when the image was stored.</param>
public sealed record InsertOutcome(InsertItem Item, long Id, DeadLetterReason? Reason, string? Error);
