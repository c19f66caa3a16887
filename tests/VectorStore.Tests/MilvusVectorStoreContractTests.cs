using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>The contract against a real Milvus; skips with the fixture's reason where none can be had.</summary>
public sealed class MilvusVectorStoreContractTests(MilvusFixture milvus) : VectorStoreContractTests, IClassFixture<MilvusFixture>
{
    protected override IVectorStore Store => milvus.Store ?? throw Unavailable;

    protected override IVectorStore OtherInstance => milvus.OtherStore ?? throw Unavailable;

    private Exception Unavailable => Xunit.Sdk.SkipException.ForSkip(milvus.SkipReason ?? "Milvus unavailable");
}
