using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>The contract where two instances share one storage, as two processes on one Milvus do.</summary>
public abstract partial class VectorStoreContractTests
{
    /// <summary>
    /// A second instance on the same storage, with its own caches, as another process would have; null where the store
    /// belongs to one process (the embedded store).
    /// </summary>
    protected virtual IVectorStore? OtherInstance => null;

    private IVectorStore OtherInstanceOrSkip =>
        OtherInstance ?? throw Xunit.Sdk.SkipException.ForSkip("This store belongs to one process: it has no second instance on the same storage.");

    [Fact]
    public async Task TwoInstancesEnsuringOneCollectionAtOnceBothEndWithAUsableCollection()
    {
        var other = OtherInstanceOrSkip;
        for (var round = 0; round < 3; round++)
        {
            var spec = NewSpec();
            await Task.WhenAll(Store.EnsureCollectionAsync(spec, Ct), other.EnsureCollectionAsync(spec, Ct));

            // Both may have written (indexed, loaded): each sees the other's rows and can search them.
            await Store.UpsertAsync(spec.Name, Data.Records(0, 10), Ct);
            await other.UpsertAsync(spec.Name, Data.Records(10, 10), Ct);
            Assert.Equal(20, await other.CountAsync(spec.Name, Ct));
            Assert.Equal(3, (await other.SearchAsync(spec.Name, [Data.Vector(3)], 1, null, Ct))[0][0].Id);
            Assert.Equal(13, (await Store.SearchAsync(spec.Name, [Data.Vector(13)], 1, null, Ct))[0][0].Id);
        }
    }

    [Fact]
    public async Task ACollectionDroppedAndRecreatedByAnotherInstanceIsSeenAsItIsNow()
    {
        var other = OtherInstanceOrSkip;
        var name = await NewCollectionAsync();
        await Store.UpsertAsync(name, Data.Records(0, 5), Ct);

        await other.DropCollectionAsync(name, Ct);
        await Assert.ThrowsAsync<CollectionNotFoundException>(() => Store.UpsertAsync(name, Data.Records(5, 5), Ct));

        await other.EnsureCollectionAsync(new CollectionSpec(name, Dimension + 1, "other-model", DistanceMetric.L2, new IndexSpec(NList: 16)), Ct);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync(name, [Data.Record(1)], Ct));
        Assert.Contains($"{Dimension + 1}-d", error.Message);
    }
}
