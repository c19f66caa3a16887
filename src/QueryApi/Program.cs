using ImageSearch.QueryApi;
using ImageSearch.QueryApi.DeadLetters;
using ImageSearch.QueryApi.Health;
using ImageSearch.QueryApi.Images;
using ImageSearch.QueryApi.Insert;
using ImageSearch.QueryApi.Search;
using ImageSearch.QueryApi.Standalone;
using ImageSearch.ServiceDefaults;

// Query API: search by image, insert, count, thumbnails, dead letters, error queues, health, metrics and the web page (docs/query-api.md).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddQueryApi();
builder.AddStandalonePipeline(); // only with Standalone:Enabled: embedder and indexer in this process, in-memory bus
builder.AddQueryApiBus();

var app = builder.Build();
app.UseQueryApi();
app.MapSearchApi();
app.MapInsertApi();
app.MapImageApi();
app.MapDeadLetterApi();
app.MapErrorQueueApi();
app.MapHealthApi();
app.MapApiDocs();
app.Run();
