using ImageSearch.VectorStore.Embedded;
using ImageSearch.VectorStore.Milvus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>The one registration call the indexer and the query API make, and its validation at start.</summary>
public sealed class AddVectorStoreTests : IDisposable
{
    private readonly TempFolder _directory = new();

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddVectorStore();
        return builder.Build();
    }

    [Fact]
    public async Task EmbeddedIsTheDefaultAndUsesTheConfiguredDirectory()
    {
        using var host = Build(new() { ["VectorStore:Embedded:Path"] = _directory.Path, ["VectorStore:Embedded:HnswThreshold"] = "5000" });
        await host.StartAsync(TestContext.Current.CancellationToken);

        var store = host.Services.GetRequiredService<IVectorStore>();

        Assert.IsType<EmbeddedVectorStore>(store);
        Assert.True(File.Exists(Path.Combine(_directory.Path, "store.db")));
        Assert.Equal(5000, host.Services.GetRequiredService<IOptions<VectorStoreOptions>>().Value.Embedded.HnswThreshold);
        Assert.Same(store, host.Services.GetRequiredService<IVectorStore>());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AFollowerIsConfiguredByRoleAndRefusesWrites()
    {
        using var host = Build(new()
        {
            ["VectorStore:Embedded:Path"] = _directory.Path,
            ["VectorStore:Embedded:Role"] = "Follower",
            ["VectorStore:Embedded:FollowInterval"] = "00:00:00.100",
        });
        await host.StartAsync(TestContext.Current.CancellationToken);

        var store = host.Services.GetRequiredService<IVectorStore>();

        await Assert.ThrowsAsync<NotSupportedException>(() => store.DeleteAsync("images", [1], TestContext.Current.CancellationToken));
        Assert.Equal(TimeSpan.FromMilliseconds(100), host.Services.GetRequiredService<IOptions<VectorStoreOptions>>().Value.Embedded.FollowInterval);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task MilvusIsChosenByKindWithItsSettings()
    {
        using var host = Build(new()
        {
            ["VectorStore:Kind"] = "Milvus",
            ["VectorStore:Milvus:Uri"] = "http://milvus.internal:19530",
            ["VectorStore:Milvus:Token"] = "root:Milvus",
            ["VectorStore:Milvus:BatchSize"] = "250",
            ["VectorStore:Milvus:NProbe"] = "32",
        });
        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.IsType<MilvusVectorStore>(host.Services.GetRequiredService<IVectorStore>());
        var milvus = host.Services.GetRequiredService<IOptions<VectorStoreOptions>>().Value.Milvus;
        Assert.Equal((250, 32), (milvus.BatchSize, milvus.NProbe));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("Milvus", "VectorStore:Milvus:BatchSize", "500", "Uri")]
    [InlineData("Milvus", "VectorStore:Milvus:Uri", "http://m:19530", null)]
    [InlineData("Embedded", "VectorStore:Embedded:HnswThreshold", "0", "HnswThreshold")]
    [InlineData("Embedded", "VectorStore:Embedded:Hnsw:M", "1000", "M")]
    [InlineData("Embedded", "VectorStore:Embedded:FollowInterval", "00:00:00", "FollowInterval")]
    public async Task InvalidSettingsStopTheHostAtStart(string kind, string key, string value, string? invalidMember)
    {
        using var host = Build(new() { ["VectorStore:Kind"] = kind, ["VectorStore:Embedded:Path"] = _directory.Path, [key] = value });

        if (invalidMember is null)
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            await host.StopAsync(TestContext.Current.CancellationToken);
            return;
        }
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(invalidMember, error.Message);
        Assert.Contains($"VectorStore:{kind}", error.Message);
    }

    public void Dispose() => _directory.Dispose();
}
