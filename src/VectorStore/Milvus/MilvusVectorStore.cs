using ImageSearch.Contracts;
using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Milvus;

/// <summary>
/// <see cref="IVectorStore"/> on Milvus 2.5+ over REST v2. Schema: Int64 primary key <c>id</c> (our deterministic ids,
/// so re-ingest is an upsert, never a duplicate), FloatVector <c>embedding</c>, VarChar <c>path</c> and <c>label</c>
/// (empty string for no label). Our metadata (model, metric, index) lives in the collection description and is
/// checked on every <see cref="EnsureCollectionAsync"/>. Reads use Strong consistency by default so an upsert that
/// returned is visible to the next count or search.
/// </summary>
public sealed class MilvusVectorStore(MilvusRestClient client, MilvusStoreOptions options, ILogger<MilvusVectorStore> logger) : IVectorStore
{
    private static readonly string[] AllFields = ["id", MilvusCollectionMetadata.VectorField, "path", "label"];

    private readonly MilvusCollections _collections = new(client, options, logger);
    private readonly MilvusSearch _search = new(client, options);

    public Task EnsureCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken) =>
        _collections.EnsureAsync(spec, cancellationToken);

    public Task UpsertAsync(string collection, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken) =>
        ForgettingOnRefusalAsync(collection, async () =>
        {
            var spec = await _collections.SpecAsync(collection, cancellationToken);
            foreach (var r in records)
                RecordValidation.Check(r, spec.Dimension, collection);
            // Which of two rows with one id in a request Milvus keeps is not ours to guess: send each id once, last wins.
            foreach (var batch in RecordValidation.LastPerId(records).Chunk(options.BatchSize))
            {
                var rows = batch.Select(r => new MilvusRow(r.Id, r.Vector, r.Path, r.Label ?? "")).ToArray();
                await client.PostAsync<UpsertResponse>("entities/upsert", new UpsertRequest(options.Database, collection, rows), cancellationToken);
            }
            return 0;
        });

    public Task DeleteAsync(string collection, IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        ForgettingOnRefusalAsync(collection, async () =>
        {
            // Ids stay literals: exprParams numbers pass through a float64 in Milvus, which would round our 63-bit ids.
            foreach (var batch in ids.Chunk(options.BatchSize))
                await client.PostAsync("entities/delete",
                    new DeleteRequest(options.Database, collection, $"id in [{string.Join(",", batch)}]"), cancellationToken);
            return 0;
        });

    public Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchAsync(
        string collection, IReadOnlyList<float[]> queries, int k, string? label, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return ForgettingOnRefusalAsync(collection, async () =>
        {
            var spec = await _collections.SpecAsync(collection, cancellationToken);
            foreach (var query in queries)
                RecordValidation.CheckVector(query, spec.Dimension, collection, "query");
            return await _search.SearchAsync(spec, queries, k, label, cancellationToken);
        });
    }

    public Task<VectorRecord?> GetAsync(string collection, long id, CancellationToken cancellationToken) =>
        ForgettingOnRefusalAsync(collection, async () =>
        {
            var rows = await client.PostAsync<EntityRow[]>("entities/get",
                new GetRequest(options.Database, collection, [id], AllFields, MilvusConsistency.ForReads(options.Consistency)), cancellationToken);
            return rows.FirstOrDefault() is { } r ? new VectorRecord(r.Id, r.Embedding ?? [], r.Path ?? "", MilvusSearch.NullIfEmpty(r.Label)) : null;
        });

    public Task<long> CountAsync(string collection, CancellationToken cancellationToken) =>
        ForgettingOnRefusalAsync(collection, async () =>
        {
            // count(*) with Strong consistency counts what upserts returned; get_stats only counts flushed segments.
            var rows = await client.PostAsync<CountRow[]>("entities/query",
                new QueryRequest(options.Database, collection, "", ["count(*)"], null, "Strong"), cancellationToken);
            return rows.FirstOrDefault()?.Count ?? 0;
        });

    public async Task<CollectionInfo?> DescribeAsync(string collection, CancellationToken cancellationToken) =>
        await _collections.ReadSpecAsync(collection, cancellationToken) is { } spec
            ? new CollectionInfo(spec, await CountAsync(collection, cancellationToken))
            : null;

    public async Task DropCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        _collections.Forget(collection);
        try
        {
            await client.PostAsync("collections/drop", new CollectionNameRequest(options.Database, collection), cancellationToken);
        }
        catch (CollectionNotFoundException)
        {
            // Dropping what is not there is done.
        }
    }

    /// <summary>
    /// Runs an operation on <paramref name="collection"/>. When Milvus says the collection is gone or refuses the
    /// request, the cached spec is dropped: another process may have dropped or recreated the collection, and the
    /// next call describes it again instead of trusting a stale dimension or index for ever.
    /// </summary>
    private async Task<T> ForgettingOnRefusalAsync<T>(string collection, Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (CollectionNotFoundException)
        {
            _collections.Forget(collection);
            throw new CollectionNotFoundException(collection);
        }
        catch (MilvusException)
        {
            _collections.Forget(collection);
            throw;
        }
    }
}
