using ImageSearch.VectorStore.Embedded;

namespace ImageSearch.VectorStore.Tests;

/// <summary>The contract against the embedded store: a new SQLite file per test, HNSW from 100 rows so both search paths run.</summary>
public sealed class EmbeddedVectorStoreContractTests : VectorStoreContractTests
{
    private readonly TempFolder _directory = new();
    private readonly EmbeddedVectorStore _store;

    public EmbeddedVectorStoreContractTests() =>
        _store = new EmbeddedVectorStore(new EmbeddedStoreOptions { Path = _directory.Path, HnswThreshold = 100, ExactFilterLimit = 5 });

    protected override IVectorStore Store => _store;

    protected override ValueTask DisposeStoreAsync()
    {
        _store.Dispose();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
