using ImageSearch.Indexer;
using ImageSearch.ServiceDefaults;
using Microsoft.Extensions.Hosting;

// Indexer worker: batches of vectors into the store, plus the dead-letter recorder (see docs/pipeline.md).
var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddIndexer();
await builder.Build().RunAsync();
