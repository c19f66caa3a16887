using ImageSearch.ServiceDefaults;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.Indexer;

/// <summary>
/// Indexer worker: batches of vectors into the store, plus the dead-letter recorder (see docs/pipeline.md).
/// In a namespace, not top-level statements, so that projects referencing this one keep their own <c>Program</c>.
/// </summary>
internal static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddServiceDefaults();
        builder.AddIndexer();
        await builder.Build().RunAsync();
    }
}
