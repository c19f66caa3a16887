
[assembly: AssemblyFixture(typeof(ImageSearch.QueryApi.Tests.SeededApi))]
// One API, one collection: tests that insert or count must not interleave.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly)]

namespace ImageSearch.QueryApi.Tests;

/// <summary>The API with the API key set, seeded with the imagenet-100 photos when the shared data is on this machine.</summary>
public sealed class SeededApi : QueryApiFactory
{
    public bool Seeded { get; private set; }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (SharedData.Directory is null)
            return;
        await SeedImageNet100Async(CancellationToken.None);
        Seeded = true;
    }

    /// <summary>Skips the calling test when the photos could not be seeded (no shared data here).</summary>
    public void RequireSeeded()
    {
        SharedData.Require();
        Assert.True(Seeded, "the fixture did not seed the imagenet-100 photos");
    }
}
