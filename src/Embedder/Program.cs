using ImageSearch.ServiceDefaults;
using Microsoft.Extensions.Hosting;

namespace ImageSearch.Embedder;

/// <summary>
/// Embedder worker: batches of image paths in, vectors and dead letters out (see docs/pipeline.md). In a namespace, not
/// top-level statements, so that projects referencing this one for the embedding core keep their own <c>Program</c>.
/// </summary>
internal static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddServiceDefaults();
        builder.AddEmbedder();
        await builder.Build().RunAsync();
    }
}
