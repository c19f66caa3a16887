using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using ImageSearch.VectorStore.Milvus;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ImageSearch.VectorStore.Tests;

/// <summary>
/// A real Milvus for the contract tests: the server named by <c>MILVUS_URI</c> (+ <c>MILVUS_TOKEN</c>), else a
/// standalone container (embedded etcd, local storage) when a Docker engine answers, else nothing: then
/// <see cref="SkipReason"/> says why and every Milvus test skips with it.
/// </summary>
public sealed class MilvusFixture : IAsyncLifetime
{
    public const string Image = "milvusdb/milvus:v2.5.16";
    private IContainer? _container;

    public MilvusVectorStore? Store { get; private set; }

    /// <summary>A second store on the same server with its own client and caches, as another process has.</summary>
    public MilvusVectorStore? OtherStore { get; private set; }

    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var uri = Environment.GetEnvironmentVariable("MILVUS_URI");
        if (string.IsNullOrEmpty(uri))
        {
            var docker = await DockerEngine.ProbeAsync();
            if (docker is not null)
            {
                SkipReason = $"Milvus tests skipped: MILVUS_URI is not set and there is no Docker engine to start {Image} ({docker}).";
                return;
            }
            _container = StandaloneMilvus();
            await _container.StartAsync(TestContext.Current.CancellationToken);
            uri = $"http://{_container.Hostname}:{_container.GetMappedPublicPort(19530)}";
        }
        var options = new MilvusStoreOptions { Uri = new Uri(uri), Token = Environment.GetEnvironmentVariable("MILVUS_TOKEN"), BatchSize = 500 };
        Store = NewStore(options);
        OtherStore = NewStore(options);
    }

    private static MilvusVectorStore NewStore(MilvusStoreOptions options) =>
        new(new MilvusRestClient(new HttpClient(), options, NullLogger<MilvusRestClient>.Instance), options, NullLogger<MilvusVectorStore>.Instance);

    /// <summary>The same set-up as Testcontainers' Milvus module, with a REST-v2-capable image pinned.</summary>
    private static IContainer StandaloneMilvus() =>
        new ContainerBuilder(Image)
            .WithCommand("milvus", "run", "standalone")
            .WithEnvironment("DEPLOY_MODE", "STANDALONE")
            .WithEnvironment("COMMON_STORAGETYPE", "local")
            .WithEnvironment("ETCD_USE_EMBED", "true")
            .WithEnvironment("ETCD_DATA_DIR", "/var/lib/milvus/etcd")
            .WithEnvironment("ETCD_CONFIG_PATH", "/milvus/configs/embedEtcd.yaml")
            .WithResourceMapping(Encoding.UTF8.GetBytes(
                "listen-client-urls: http://0.0.0.0:2379\nadvertise-client-urls: http://0.0.0.0:2379\n"), "/milvus/configs/embedEtcd.yaml")
            .WithPortBinding(19530, true)
            .WithPortBinding(9091, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(9091).ForPath("/healthz")))
            .Build();

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
            await _container.DisposeAsync();
    }
}
