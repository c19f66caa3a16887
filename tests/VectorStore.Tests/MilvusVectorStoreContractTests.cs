using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>The contract against a real Milvus; skips with the fixture's reason where none can be had.</summary>
public sealed class MilvusVectorStoreContractTests(MilvusFixture milvus) : VectorStoreContractTests, IClassFixture<MilvusFixture>
{
    protected override IVectorStore Store =>
        milvus.Store ?? throw Xunit.Sdk.SkipException.ForSkip(milvus.SkipReason ?? "Milvus unavailable");
}
