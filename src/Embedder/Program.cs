using Microsoft.Extensions.Hosting;
using ImageSearch.Pipeline.Embedder;
using ImageSearch.ServiceDefaults;

// Embedder worker: batches of image paths in, vectors and dead letters out (see docs/pipeline.md).
var builder = Host.CreateApplicationBuilder(ServiceHost.Settings(args));
builder.AddServiceDefaults();
builder.AddEmbedder();
await builder.Build().RunAsync();
