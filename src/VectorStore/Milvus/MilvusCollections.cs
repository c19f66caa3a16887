using ImageSearch.Contracts;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ImageSearch.VectorStore.Milvus;

/// <summary>
/// The collections a <see cref="MilvusVectorStore"/> works in. <see cref="EnsureAsync"/> converges: whichever of
/// create, index and load another process (or an interrupted earlier call) got to, the end state is the collection,
/// its index, and loaded. The spec each collection was created with is cached until Milvus refuses a request on it.
/// </summary>
internal sealed class MilvusCollections(MilvusRestClient client, MilvusStoreOptions options, ILogger logger)
{
    private readonly ConcurrentDictionary<string, CollectionSpec> _specs = new(StringComparer.Ordinal);

    public async Task EnsureAsync(CollectionSpec spec, CancellationToken cancellationToken)
    {
        CollectionNames.Validate(spec.Name);
        var described = await DescribeAsync(spec.Name, cancellationToken) ?? await CreateAsync(spec, cancellationToken);
        var stored = Remember(spec.Name, described);
        CollectionMismatch.ThrowIfDifferent(spec, stored, "Milvus collection");
        if (!MilvusCollectionMetadata.HasVectorIndex(described))
            await CreateIndexAsync(stored, cancellationToken);
        await LoadAsync(spec.Name, cancellationToken);
    }

    /// <summary>The stored spec, described once and then cached.</summary>
    public async Task<CollectionSpec> SpecAsync(string collection, CancellationToken cancellationToken) =>
        _specs.TryGetValue(collection, out var spec)
            ? spec
            : await ReadSpecAsync(collection, cancellationToken) ?? throw new CollectionNotFoundException(collection);

    public async Task<CollectionSpec?> ReadSpecAsync(string collection, CancellationToken cancellationToken) =>
        await DescribeAsync(collection, cancellationToken) is { } described ? Remember(collection, described) : null;

    /// <summary>Drops the cached spec, so the next call describes the collection again (another process may have dropped or recreated it).</summary>
    public void Forget(string collection) => _specs.TryRemove(collection, out _);

    /// <summary>
    /// Creates the collection (Milvus creates the index and loads it in the same call) and describes it. A refused
    /// create is looked at again: if the collection exists now, another process created it first (or an earlier
    /// call got part way), and the caller goes on from what is there.
    /// </summary>
    private async Task<DescribeResponse> CreateAsync(CollectionSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            await client.PostAsync("collections/create", MilvusCollectionMetadata.CreateRequest(options.Database, spec), cancellationToken);
            logger.LogInformation("Created Milvus collection {Collection} ({Dimension}-d {Metric}, {Index})",
                spec.Name, spec.Dimension, spec.Metric, (spec.Index ?? new IndexSpec()).Kind);
        }
        catch (MilvusException refused)
        {
            if (await DescribeAsync(spec.Name, cancellationToken) is not { } existing)
                throw;
            logger.LogInformation("Milvus collection {Collection} exists after a refused create ({Reason}); going on with it",
                spec.Name, refused.MilvusMessage);
            return existing;
        }
        return await DescribeAsync(spec.Name, cancellationToken) ?? throw new CollectionNotFoundException(spec.Name);
    }

    private async Task CreateIndexAsync(CollectionSpec stored, CancellationToken cancellationToken)
    {
        logger.LogWarning("Milvus collection {Collection} has no index on {Field} (its creation was interrupted); creating it",
            stored.Name, MilvusCollectionMetadata.VectorField);
        try
        {
            await client.PostAsync("indexes/create",
                new CreateIndexRequest(options.Database, stored.Name, [MilvusCollectionMetadata.VectorIndex(stored)]), cancellationToken);
        }
        catch (MilvusException)
        {
            // Another process may have created it meanwhile: what matters is that it exists.
            if (await DescribeAsync(stored.Name, cancellationToken) is not { } described || !MilvusCollectionMetadata.HasVectorIndex(described))
                throw;
        }
    }

    /// <summary>Loads the collection (a no-op when loaded) and waits for LoadStateLoaded.</summary>
    private async Task LoadAsync(string collection, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.LoadTimeout);
        var state = await client.PostAsync<LoadStateResponse>("collections/get_load_state", Named(collection), cancellationToken);
        if (state.LoadState is "LoadStateNotLoad" or "LoadStateNotLoaded")
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

    /// <summary>has + describe; null when the collection does not exist (or was dropped between the two).</summary>
    private async Task<DescribeResponse?> DescribeAsync(string collection, CancellationToken cancellationToken)
    {
        if (!(await client.PostAsync<HasResponse>("collections/has", Named(collection), cancellationToken)).Has)
            return null;
        try
        {
            return await client.PostAsync<DescribeResponse>("collections/describe", Named(collection), cancellationToken);
        }
        catch (CollectionNotFoundException)
        {
            return null;
        }
    }

    private CollectionSpec Remember(string collection, DescribeResponse described) =>
        _specs[collection] = MilvusCollectionMetadata.Read(described);

    private CollectionNameRequest Named(string collection) => new(options.Database, collection);
}
