using Microsoft.Extensions.Hosting;
using ImageSearch.Pipeline.Indexer;
using ImageSearch.ServiceDefaults;

// Indexer worker: batches of vectors into the store, plus the dead-letter recorder (see docs/pipeline.md).
var builder = Host.CreateApplicationBuilder(ServiceHost.Settings(args));
builder.AddServiceDefaults();
builder.AddIndexer();
await builder.Build().RunAsync();
