using System.Collections.Concurrent;
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
    private const string VectorField = "embedding";
    private static readonly string[] HitFields = ["path", "label"];
    private static readonly string[] AllFields = ["id", VectorField, "path", "label"];

    private readonly ConcurrentDictionary<string, CollectionSpec> _specs = new(StringComparer.Ordinal);

    public async Task EnsureCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken)
    {
        CollectionNames.Validate(spec.Name);
        if (await ReadSpecAsync(spec.Name, cancellationToken) is { } stored)
        {
            CollectionMismatch.ThrowIfDifferent(spec, stored, "Milvus collection");
        }
        else
        {
            await client.PostAsync("collections/create", MilvusCollectionMetadata.CreateRequest(options.Database, spec), cancellationToken);
            logger.LogInformation("Created Milvus collection {Collection} ({Dimension}-d {Metric}, {Index})",
                spec.Name, spec.Dimension, spec.Metric, (spec.Index ?? new IndexSpec()).Kind);
        }
        await LoadAsync(spec.Name, cancellationToken);
    }

    public async Task UpsertAsync(string collection, IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
        var spec = await SpecAsync(collection, cancellationToken);
        foreach (var r in records)
            RecordValidation.Check(r, spec.Dimension, collection);
        // Which of two rows with one id in a request Milvus keeps is not ours to guess: send each id once, last wins.
        foreach (var batch in RecordValidation.LastPerId(records).Chunk(options.BatchSize))
        {
            var rows = batch.Select(r => new MilvusRow(r.Id, r.Vector, r.Path, r.Label ?? "")).ToArray();
            await client.PostAsync<UpsertResponse>("entities/upsert", new UpsertRequest(options.Database, collection, rows), cancellationToken);
        }
    }

    public async Task DeleteAsync(string collection, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        foreach (var batch in ids.Chunk(options.BatchSize))
            await client.PostAsync("entities/delete",
                new DeleteRequest(options.Database, collection, $"id in [{string.Join(",", batch)}]"), cancellationToken);
    }

    public async Task<IReadOnlyList<IReadOnlyList<SearchHit>>> SearchAsync(
        string collection, IReadOnlyList<float[]> queries, int k, string? label, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var spec = await SpecAsync(collection, cancellationToken);
        var index = spec.Index ?? new IndexSpec();
        var searchParams = new Dictionary<string, object>
        {
            ["params"] = index.Kind == IndexKind.Hnsw
                ? new Dictionary<string, object> { ["ef"] = Math.Max(k, options.Ef ?? index.Ef) }
                : new Dictionary<string, object> { ["nprobe"] = options.NProbe ?? index.NProbe },
        };
        var filter = label is null ? null : $"label == {MilvusCollectionMetadata.Quote(label)}";
        var results = new IReadOnlyList<SearchHit>[queries.Count];
        // REST v2 returns one flat list for all query vectors, so each vector gets its own request.
        for (var i = 0; i < queries.Count; i++)
        {
            RecordValidation.CheckVector(queries[i], spec.Dimension, collection, "query");
            var rows = await client.PostAsync<SearchHitRow[]>("entities/search",
                new SearchRequest(options.Database, collection, [queries[i]], VectorField, k, filter, HitFields, searchParams, options.Consistency),
                cancellationToken);
            results[i] = rows.Select(r => new SearchHit(r.Id, ToDistance(spec.Metric, r.Distance), r.Path ?? "", NullIfEmpty(r.Label))).ToArray();
        }
        return results;
    }

    public async Task<VectorRecord?> GetAsync(string collection, long id, CancellationToken cancellationToken)
    {
        var rows = await client.PostAsync<EntityRow[]>("entities/get",
            new GetRequest(options.Database, collection, [id], AllFields, options.Consistency), cancellationToken);
        return rows.FirstOrDefault() is { } r ? new VectorRecord(r.Id, r.Embedding ?? [], r.Path ?? "", NullIfEmpty(r.Label)) : null;
    }

    public async Task<long> CountAsync(string collection, CancellationToken cancellationToken)
    {
        // count(*) with Strong consistency counts what upserts returned; get_stats only counts flushed segments.
        var rows = await client.PostAsync<CountRow[]>("entities/query",
            new QueryRequest(options.Database, collection, "", ["count(*)"], null, "Strong"), cancellationToken);
        return rows.FirstOrDefault()?.Count ?? 0;
    }

    public async Task<CollectionInfo?> DescribeAsync(string collection, CancellationToken cancellationToken) =>
        await ReadSpecAsync(collection, cancellationToken) is { } spec
            ? new CollectionInfo(spec, await CountAsync(collection, cancellationToken))
            : null;

    public async Task DropCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        _specs.TryRemove(collection, out _);
        try
        {
            await client.PostAsync("collections/drop", Named(collection), cancellationToken);
        }
        catch (CollectionNotFoundException)
        {
            // Dropping what is not there is done.
        }
    }

    /// <summary>Loads the collection (a no-op when loaded) and waits for LoadStateLoaded.</summary>
    private async Task LoadAsync(string collection, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.LoadTimeout);
        var state = await client.PostAsync<LoadStateResponse>("collections/get_load_state", Named(collection), cancellationToken);
        if (state.LoadState == "LoadStateNotLoad" || state.LoadState == "LoadStateNotLoaded")
            await client.PostAsync("collections/load", Named(collection), cancellationToken);
        try
        {
            while (state.LoadState != "LoadStateLoaded")
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
                state = await client.PostAsync<LoadStateResponse>("collections/get_load_state", Named(collection), timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException(
                $"Milvus collection '{collection}' not loaded after {options.LoadTimeout} (state {state.LoadState}, {state.LoadProgress}%).");
        }
    }

    /// <summary>The stored spec, described once and then cached (dimension and metric never change).</summary>
    private async Task<CollectionSpec> SpecAsync(string collection, CancellationToken cancellationToken) =>
        _specs.TryGetValue(collection, out var spec)
            ? spec
            : await ReadSpecAsync(collection, cancellationToken) ?? throw new CollectionNotFoundException(collection);

    private async Task<CollectionSpec?> ReadSpecAsync(string collection, CancellationToken cancellationToken)
    {
        var has = await client.PostAsync<HasResponse>("collections/has", Named(collection), cancellationToken);
        if (!has.Has)
            return null;
        var described = await client.PostAsync<DescribeResponse>("collections/describe", Named(collection), cancellationToken);
        var spec = MilvusCollectionMetadata.Read(described);
        _specs[collection] = spec;
        return spec;
    }

    private static float ToDistance(DistanceMetric metric, float milvusDistance) =>
        metric == DistanceMetric.Cosine ? 1 - milvusDistance : milvusDistance; // COSINE is a similarity in Milvus

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private CollectionNameRequest Named(string collection) => new(options.Database, collection);
}
